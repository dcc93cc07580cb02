"""Fixtures of the win-back tests: the thresholds they are written for (pinned, whatever the
environment says), a product to win back on, a win-back call taken."""

from datetime import timedelta

import pytest

from calls.models import CallTask
from calls.services.taking import call_task_claim
from tests.factories import ContractFactory, ProductFactory
from winback.services.winback import win_back_consider


@pytest.fixture
def new_product(db):
    return ProductFactory(monthly_fee=25_000, default_term_months=36, minimum_term_months=12)


@pytest.fixture
def win_back_call(supervisor, today):
    contract = ContractFactory(
        start_date=today - timedelta(days=900),
        status="cancelled",
        cancelled_on=today - timedelta(days=60),
    )
    contract.customer.lifetime_revenue = 9_000_000
    contract.customer.save()
    win_back_consider()
    task = CallTask.objects.get(kind="win_back")
    call_task_claim(call_task_id=task.pk, user=supervisor)
    return task, contract


@pytest.fixture(autouse=True)
def thresholds(settings):
    settings.WIN_BACK_MIN_DAYS = 30
    settings.WIN_BACK_TOP_VALUE = 3_000_000
    settings.WIN_BACK_MIDDLE_VALUE = 1_000_000
    settings.WIN_BACK_CARE_MONTHS = [1, 3, 5]
    settings.WIN_BACK_REVIEW_MONTHS = 6
