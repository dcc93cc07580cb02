"""Fixtures shared by the test folders of several apps: people and their logged-in clients,
a contract and cancellation requests walked to a branch by the real services, offers that do
or do not need a supervisor, a customer, a stopped clock, and the roles after a flush."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.access import AUTH_KEY
from accounts.roles import Role, roles_sync
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import Reason
from catalog.taxonomy import customer_types_seed, reasons_seed
from core.dates import add_months
from core.updates import CATALOG_KEY, updates_bump
from tests.auth import MODEL_BACKEND
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    OfferFactory,
    ProductFactory,
    UserFactory,
)

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body (fixtures, assertions) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def agent(db):
    return UserFactory(username="agent-kim", role=Role.AGENT)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor-park", role=Role.SUPERVISOR)


@pytest.fixture
def specialist(db):
    return UserFactory(username="specialist-jung", role=Role.SPECIALIST)


@pytest.fixture
def catalog_admin(db):
    return UserFactory(username="catalog-lee", role=Role.CATALOG_ADMIN)


@pytest.fixture
def login(client):
    """Log `user` into the test client (through ModelBackend: axes' backend cannot load users)."""

    def _login(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _login


@pytest.fixture
def client_as_agent(login, agent):
    return login(agent)


@pytest.fixture
def client_as_supervisor(login, supervisor):
    return login(supervisor)


@pytest.fixture
def client_as_catalog_admin(login, catalog_admin):
    return login(catalog_admin)


@pytest.fixture(autouse=True)
def _roles_after_flush(request):
    """Transactional tests flush the database, data migrations included: put them back
    (and for a test that happens to run after one: pytest-django runs transactional tests
    last, but not every plugin's parametrisation keeps to that order)."""
    marker = request.node.get_closest_marker("django_db")
    if not marker:
        return
    from django.apps import apps
    from django.contrib.auth.models import Group

    if marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
    elif Group.objects.exists():
        return
    roles_sync(apps)
    reasons_seed(apps)
    customer_types_seed(apps)


@pytest.fixture(autouse=True)
def _kept_versions_moved(request, _roles_after_flush):
    """What the processes keep by version (the live catalog, people's access) was loaded
    from a database the last test rolled back, which moved no version (a rollback bumps
    nothing): move the versions, as a deployment's restart empties what a process kept."""
    if request.node.get_closest_marker("django_db"):
        updates_bump([CATALOG_KEY, AUTH_KEY], at_once=True)


# ---- the cancellation tree: a contract, requests walked to a branch, offers ------------------

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


# ---- a customer, a stopped clock -----------------------------------------------------------


@pytest.fixture
def customer(db):
    return CustomerFactory(email="customer@example.com", language="en")


@pytest.fixture
def clock():
    """Time stands still until the test moves it (`clock.move_to(...)`)."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller
