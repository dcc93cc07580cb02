"""Twenty identical submits at once (a double click, a retrying browser, a script) create
exactly one row, for every create on the desk: each through the real view, on its own
database connection, decided by PostgreSQL (a unique key, a row lock), never by a check
that a second request could slip past."""

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from calls.choices import CallTaskKind
from calls.models import CallTask
from calls.services.dispatch import call_tasks_dispatch_due
from calls.services.taking import call_task_claim
from cancellations.models import CancellationRequest
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from claims.models import Claim, Compensation
from claims.services.opening import claim_open
from customers.choices import ContractStatus
from customers.models import Contract
from desk.models import CoachingNote
from tests.auth import MODEL_BACKEND
from tests.concurrency import race
from tests.factories import ContractFactory, ProductFactory, ReasonFactory, UserFactory
from winback.models import WinBackCase
from winback.services.winback import win_back_consider

pytestmark = pytest.mark.django_db(transaction=True)
AT_ONCE = 20


def _at_once(user, url: str, data: dict) -> list[int]:
    """POST `data` to `url` from AT_ONCE browsers of `user` at the same moment."""
    signed_in = Client()
    signed_in.force_login(user, backend=MODEL_BACKEND)
    cookies = signed_in.cookies

    def post() -> int:
        browser = Client(raise_request_exception=False)
        browser.cookies = cookies
        return browser.post(url, data).status_code

    outcomes = race(*[post for _ in range(AT_ONCE)])
    assert all(outcome.won for outcome in outcomes), [o.error for o in outcomes]
    statuses = [outcome.value for outcome in outcomes]
    assert all(status < 500 for status in statuses), statuses
    return statuses


@pytest.fixture
def agent(db):
    return UserFactory(username="agent-race", role=Role.AGENT)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor-race", role=Role.SUPERVISOR)


def test_twenty_identical_claim_forms_open_one_claim(agent):
    contract = ContractFactory()
    data = {"subject": "Leaks", "contract": contract.pk, "submission": uuid.uuid4()}

    _at_once(agent, reverse("claim_open", args=[contract.customer_id]), data)

    assert Claim.objects.filter(customer=contract.customer).count() == 1


def test_a_claim_form_without_its_key_opens_nothing(client, agent):
    contract = ContractFactory()
    client.force_login(agent, backend=MODEL_BACKEND)

    response = client.post(
        reverse("claim_open", args=[contract.customer_id]), {"subject": "Leaks"}, follow=True
    )

    assert b"reload the page" in response.content
    assert not Claim.objects.exists()


def test_twenty_starts_of_one_cancellation_open_one_request(agent):
    contract = ContractFactory()

    _at_once(agent, reverse("cancel_start", args=[contract.pk]), {})

    assert CancellationRequest.objects.filter(contract=contract).count() == 1


def test_twenty_identical_compensations_give_once(agent):
    contract = ContractFactory()

    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leaks")
    data = {"form": "voucher", "amount": 60_000, "submission": uuid.uuid4()}

    _at_once(agent, reverse("claim_act", args=[claim.pk, "compensate"]), data)

    assert Compensation.objects.filter(claim=claim).count() == 1


def test_twenty_identical_coaching_notes_write_one(supervisor, agent):
    data = {"agent": agent.pk, "text": "Offer the pause first.", "submission": uuid.uuid4()}

    _at_once(supervisor, reverse("coach"), data)

    assert CoachingNote.objects.filter(agent=agent).count() == 1


def test_twenty_identical_callbacks_plan_one_call(agent):
    contract = ContractFactory()
    request = cancellation_open(contract_id=contract.pk, user=agent)
    reason = ReasonFactory(code="race-fee")
    request = cancellation_identify_reason(request_id=request.pk, user=agent, reason_id=reason.pk)
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    data = {"callback_at": when, "expected_state": request.state}

    _at_once(agent, reverse("console_act", args=[request.pk, "schedule_callback"]), data)

    calls = CallTask.objects.filter(cancellation_request=request, kind=CallTaskKind.CALLBACK)
    assert calls.count() == 1


def test_twenty_identical_win_back_outcomes_win_back_once(supervisor):
    today = timezone.localdate()
    ContractFactory(
        start_date=today - timedelta(days=365 * 4),
        monthly_fee=100_000,
        status=ContractStatus.CANCELLED,
        cancelled_on=today - timedelta(days=60),
    )
    win_back_consider()
    call_tasks_dispatch_due()
    call = CallTask.objects.get(kind=CallTaskKind.WIN_BACK)
    call_task_claim(call_task_id=call.pk, user=supervisor)
    product = ProductFactory(monthly_fee=25_000)
    data = {"result": "won", "product": product.pk}

    _at_once(supervisor, reverse("call_win_back", args=[call.pk]), data)

    case = WinBackCase.objects.get(pk=call.win_back_id)
    assert Contract.objects.filter(customer=case.customer, product=product).count() == 1
