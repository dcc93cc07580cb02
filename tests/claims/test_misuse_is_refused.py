"""The ways a rushed or curious user could get around the rules, each refused."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import CallTask
from calls.services.taking import call_task_claim
from cancellations.services.closing import cancellation_resume, cancellation_schedule_callback
from cancellations.services.offers import offer_approve, offer_present
from claims.services.compensation import compensation_propose
from claims.services.opening import claim_open
from claims.services.steps import (
    claim_apologize,
    claim_escalate,
    claim_identify_cause,
    claim_instruct,
    claim_listen,
)
from core.errors import NotPermitted, ServiceError
from customers.models import Contract
from tests.factories import ContractFactory, OfferFactory, UserFactory
from winback.models import WinBackCase
from winback.services.winback import win_back_consider, win_back_won

pytestmark = pytest.mark.django_db


def test_a_supervisor_cannot_approve_an_offer_they_presented_on_an_agents_request(
    walk, supervisor, costly_offer
):
    request = walk("competitor")  # handled by the agent
    offer_present(request_id=request.pk, user=supervisor, offer_id=costly_offer.pk)
    with pytest.raises(NotPermitted):
        offer_approve(request_id=request.pk, user=supervisor)
    other = UserFactory(username="supervisor-second", role="supervisor")
    offer_approve(request_id=request.pk, user=other)


def test_a_supervisor_cannot_instruct_a_claim_they_escalated(agent, supervisor, contract):
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leak")
    claim_apologize(claim_id=claim.pk, user=supervisor)
    claim_listen(claim_id=claim.pk, user=supervisor, account="It leaks")
    claim_identify_cause(
        claim_id=claim.pk, user=supervisor, root_cause="installation", description="Hose"
    )
    claim_escalate(claim_id=claim.pk, user=supervisor, note="Needs a part")
    with pytest.raises(NotPermitted):
        claim_instruct(claim_id=claim.pk, user=supervisor, instruction="Do it")


def test_splitting_a_refund_still_reaches_a_supervisor(agent, contract, settings):
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Late")
    limit = settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD
    first = compensation_propose(claim_id=claim.pk, user=agent, form="refund", amount=limit)
    second = compensation_propose(claim_id=claim.pk, user=agent, form="voucher", amount=1000)
    assert (first.status, second.status) == ("approved", "awaiting_approval")


def test_a_double_click_on_give_gives_once(agent, contract):
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Late")
    for _ in range(2):
        compensation_propose(claim_id=claim.pk, user=agent, form="refund", amount=1000)
    assert claim.compensations.count() == 1


def test_a_double_submitted_claim_is_opened_once(agent, contract):
    key = uuid.uuid4()
    opened = [
        claim_open(customer_id=contract.customer_id, user=agent, subject="Noise", submission=key)
        for _ in range(2)
    ]
    assert contract.customer.claims.count() == 1
    assert opened[0] == opened[1]


def test_a_key_sent_by_someone_else_creates_nothing(agent, supervisor, contract):
    key = uuid.uuid4()
    claim_open(customer_id=contract.customer_id, user=agent, subject="A", submission=key)
    with pytest.raises(ServiceError, match="already sent"):
        claim_open(customer_id=contract.customer_id, user=supervisor, subject="B", submission=key)
    assert contract.customer.claims.count() == 1


def test_an_offsite_back_link_is_ignored(client_as_agent):
    closed = ContractFactory(status="cancelled", cancelled_on=timezone.localdate())
    for back in ("https://evil.example/x", "nonsense"):
        response = client_as_agent.post(reverse("cancel_start", args=[closed.pk]), {"back": back})
        assert response.status_code == 302
        assert response.url == reverse("search")


def test_a_second_callback_at_the_same_time_is_planned_again(walk, agent, future):
    request = walk("financial_burden")
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    cancellation_resume(request_id=request.pk, user=agent)
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    calls = CallTask.objects.filter(cancellation_request=request, kind="callback")
    assert sorted(calls.values_list("status", flat=True)) == ["done", "scheduled"]


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


def test_win_back_refuses_an_offer_above_authority(win_back_call, supervisor):
    task, contract = win_back_call
    costly = OfferFactory(kind="competitor_match", fixed_cost=80000, agent_limit=50000)
    from core.errors import ServiceError

    with pytest.raises(ServiceError, match="not available"):
        win_back_won(
            call_task_id=task.pk,
            user=supervisor,
            product_id=contract.product_id,
            offer_id=costly.pk,
        )
    assert WinBackCase.objects.get().outcome == "pending"


def test_win_back_discount_reaches_the_new_contract(win_back_call, supervisor):
    task, contract = win_back_call
    discount = OfferFactory(kind="discount_percent", value=15, duration_months=6, agent_limit=None)
    new = win_back_won(
        call_task_id=task.pk, user=supervisor, product_id=contract.product_id, offer_id=discount.pk
    )
    new = Contract.objects.get(pk=new.pk)
    assert new.discount_percent == 15
    assert new.amendments.get().kind == "discount"
