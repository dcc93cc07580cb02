"""Fixtures of the dashboard tests: calls with known outcomes and the hand-built data set."""

import pytest
import time_machine

from reporting.services.facts import facts_refresh
from tests.reporting.dashboard_data import NOW, book
from tests.reporting.helpers import call_cancelled, call_saved


@pytest.fixture
def outcomes(agent, reason, fee_offer, visit_offer):
    """3 retained (2 by fee adjustment, 1 by a visit) and 1 cancelled: a 75% save rate."""
    for _ in range(2):
        call_saved(agent, reason, "fee_burden", fee_offer)
    call_saved(agent, reason, "product_quality", visit_offer)
    call_cancelled(agent, reason, "product_quality")
    facts_refresh()


@pytest.fixture
def book_data(reason):
    with time_machine.travel(NOW, tick=False):
        yield book(reason)


@pytest.fixture
def data(reason):
    """The book, with the clock stopped at `NOW` for the whole test."""
    with time_machine.travel(NOW, tick=False):
        yield book(reason)
