"""Fixtures for the cancellation tree: a contract, requests walked to a state by the real
services, and offers that do or do not need a supervisor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import Reason
from core.dates import add_months
from tests.factories import ContractFactory, OfferFactory, ProductFactory

REASON_FOR_BRANCH = {
    "dissatisfied": "product_quality",
    "financial_burden": "fee_burden",
    "contract_change": "relocation",
    "competitor": "competitor_cheaper",
    "cancelling": "emigration",  # unavoidable: straight to cancelling
}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def product(db):
    return ProductFactory(
        monthly_fee=30000,
        minimum_term_months=36,
        default_term_months=60,
        penalty_rate_percent=30,
        fee_adjustable=True,
        fee_floor=20000,
        fee_adjustment_min_tenure_months=12,
    )


@pytest.fixture
def contract(product, today):
    """20 months into a 60-month contract at KRW 30,000 a month."""
    return ContractFactory(
        product=product, start_date=add_months(today, -20), term_months=60, monthly_fee=30000
    )


@pytest.fixture
def reason():
    def get(code: str) -> Reason:
        return Reason.objects.get(code=code)

    return get


@pytest.fixture
def opened(agent, contract):
    return cancellation_open(contract_id=contract.pk, user=agent)


@pytest.fixture
def walk(agent, contract, reason):
    """walk("financial_burden") → a request for `contract` in that branch, by the services."""

    def _walk(branch: str, *, user=None, contract_=None, competitor_name="Rival Rentals"):
        user = user or agent
        request = cancellation_open(contract_id=(contract_ or contract).pk, user=user)
        return cancellation_identify_reason(
            request_id=request.pk,
            user=user,
            reason_id=reason(REASON_FOR_BRANCH[branch]).pk,
            competitor_name=competitor_name if branch == "competitor" else "",
        )

    return _walk


@pytest.fixture
def visit_offer(db):
    """A free technician visit for every branch but unavoidable: never needs approval."""
    return OfferFactory(
        code="VISIT",
        kind=OfferKind.SERVICE_IMPROVEMENT,
        value=30000,
        fixed_cost=20000,
        agent_limit=None,
        reason_categories=[
            ReasonCategory.DISSATISFACTION,
            ReasonCategory.FINANCIAL,
            ReasonCategory.CONTRACT_CHANGE,
            ReasonCategory.COMPETITOR,
        ],
    )


@pytest.fixture
def fee_offer(db):
    """KRW 3,000 off the monthly fee for the financial branch; agents may give it alone."""
    return OfferFactory(
        code="FEE-3000",
        kind=OfferKind.FEE_ADJUSTMENT,
        value=3000,
        fixed_cost=0,
        agent_limit=None,
        reason_categories=[ReasonCategory.FINANCIAL],
    )


@pytest.fixture
def costly_offer(db):
    """A competitor-match benefit above any agent's authority: needs a supervisor."""
    return OfferFactory(
        code="MATCH",
        kind=OfferKind.COMPETITOR_MATCH,
        value=100000,
        fixed_cost=80000,
        agent_limit=50000,
        reason_categories=[ReasonCategory.COMPETITOR, ReasonCategory.FINANCIAL],
    )


@pytest.fixture
def future():
    return timezone.now() + timedelta(days=2)
