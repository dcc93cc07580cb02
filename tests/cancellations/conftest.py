"""Fixtures of the cancellation tests: a request with an offer on the table."""

import pytest

from cancellations.services.offers import offer_present
from tests.cancellations.helpers import request_fresh


@pytest.fixture
def presented(walk, agent, fee_offer):
    """A financial-burden request with KRW 3,000 off the fee on the table."""
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    return request_fresh(request)
