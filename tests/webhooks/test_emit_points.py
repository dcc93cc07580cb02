"""Every place the desk tells other systems what happened, driven through the real
services: each writes its event in the same transaction, with the snapshot other systems
need (the desk's ids and numbers and the company's own ids) and the contract's ordering
key where there is a contract."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from calls.choices import CallOutcome, CallTaskKind
from calls.services.dispatch import call_tasks_dispatch_due
from calls.services.taking import call_task_claim, call_task_log_outcome
from cancellations.services.closing import cancellation_confirm, cancellation_insist
from cancellations.services.offers import offer_accept, offer_present
from claims.choices import ClaimState
from claims.services.compensation import compensation_decide, compensation_propose
from claims.services.opening import claim_open
from customers.choices import AmendmentKind
from customers.services.contracts import Amendment, contract_amend
from tests.calls.helpers import departed, plan_call
from tests.claims.helpers import walk_to
from tests.factories import ContractFactory, ProductFactory
from webhooks.choices import EventType
from webhooks.models import Event
from winback.services.winback import win_back_consider, win_back_won

pytestmark = pytest.mark.django_db


def _events() -> list[Event]:
    return list(Event.objects.order_by("pk"))


def _only(type: str) -> Event:
    (event,) = [e for e in _events() if e.type == type]
    return event


def _data(event: Event) -> dict:
    assert event.payload["type"] == event.type
    assert event.payload["timestamp"] == event.occurred_at.isoformat()
    return event.payload["data"]


# ---- contracts and cancellation calls ----------------------------------------------------------


def test_a_save_tells_the_amendment_then_the_retention_for_the_contract(
    walk, agent, fee_offer, contract, today
):
    contract.external_id = "BILL-C-1"
    contract.save(update_fields=["external_id"])
    request = walk("financial_burden")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)

    offer_accept(request_id=request.pk, user=agent)

    amended, retained = _events()
    assert [amended.type, retained.type] == ["contract.amended", "cancellation.retained"]
    assert amended.ordering_key == retained.ordering_key == f"contract:{contract.pk}"
    data = _data(amended)
    assert data["amendment"]["kind"] == "fee_adjustment"
    assert data["amendment"]["applied"] == {"monthly_fee": {"before": 30000, "after": 27000}}
    assert data["amendment"]["effective_date"] == today.isoformat()
    assert data["amendment"]["presentation_id"] == presentation.pk
    assert data["contract"]["monthly_fee"] == 27000
    assert data["contract"]["external_id"] == "BILL-C-1"
    assert data["contract"]["number"] == contract.number
    assert data["customer"] == {
        "id": contract.customer_id,
        "customer_no": contract.customer.customer_no,
        "external_id": None,
    }
    data = _data(retained)
    assert data["request"]["id"] == request.pk and data["request"]["state"] == "retained"
    assert data["request"]["reason"] == {"code": "fee_burden", "category": "financial"}
    assert data["offer"]["code"] == "FEE-3000"
    assert (data["offer"]["monthly_fee_before"], data["offer"]["monthly_fee_after"]) == (
        30000,
        27000,
    )
    assert data["amendment_id"] == contract.amendments.get().pk
    assert data["contract"]["monthly_fee"] == 27000  # as the amendment left it


@pytest.mark.parametrize(
    ("amendment", "applied"),
    [
        (
            Amendment(AmendmentKind.PAUSE, pause_months=2),
            lambda c, day: {
                "pause": {"from": day, "until": "{:%Y-%m-%d}"},
                "term_months": {"before": 60, "after": 62},
            },
        ),
        (Amendment(AmendmentKind.FREE_MONTHS, free_months=2), lambda c, day: {"free_months": 2}),
        (
            Amendment(AmendmentKind.DISCOUNT, discount_percent=10, discount_months=6),
            lambda c, day: {"discount": {"percent": 10, "until": "{:%Y-%m-%d}"}},
        ),
        (
            Amendment(AmendmentKind.TERM_CHANGE, new_term_months=72),
            lambda c, day: {"term_months": {"before": 60, "after": 72}},
        ),
    ],
    ids=["pause", "free_months", "discount", "term"],
)
def test_each_kind_of_amendment_tells_the_terms_it_applied(
    contract, agent, today, amendment, applied
):
    with transaction.atomic():
        row = contract_amend(
            contract_id=contract.pk, amendment=amendment, user=agent, effective_date=today
        )
    data = _data(_only(EventType.CONTRACT_AMENDED))
    expected = applied(contract, today.isoformat())
    for value in expected.values():  # the end dates the amendment computed
        if isinstance(value, dict) and value.get("until") == "{:%Y-%m-%d}":
            value["until"] = (row.pause_until or row.discount_until).isoformat()
    assert data["amendment"]["applied"] == expected
    assert data["amendment"]["id"] == row.pk


def test_a_product_change_tells_both_products(contract, agent, today):
    other = ProductFactory(code="P-NEW", external_id="BILL-P-9", monthly_fee=25000)
    with transaction.atomic():
        contract_amend(
            contract_id=contract.pk,
            amendment=Amendment(
                AmendmentKind.PRODUCT_CHANGE, new_product_id=other.pk, new_monthly_fee=25000
            ),
            user=agent,
            effective_date=today,
        )
    applied = _data(_only(EventType.CONTRACT_AMENDED))["amendment"]["applied"]
    after = {"id": other.pk, "code": "P-NEW", "external_id": "BILL-P-9"}
    assert applied["product"]["after"] == after
    assert applied["product"]["before"]["id"] == contract.product_id
    assert applied["monthly_fee"] == {"before": 30000, "after": 25000}


def test_a_confirmed_cancellation_tells_its_quote_and_dates(walk, agent, contract, today):
    contract.prepaid_amount = 60000
    contract.save(update_fields=["prepaid_amount"])
    request = walk("financial_burden")
    effective = today + timedelta(days=10)
    cancellation_insist(request_id=request.pk, user=agent, effective_date=effective)

    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=effective)

    event = _only(EventType.CANCELLATION_CANCELLED)
    assert event.ordering_key == f"contract:{contract.pk}"
    data = _data(event)
    request.refresh_from_db()
    quote = data["quote"]
    assert quote["penalty"] == 30000 * 16 * 30 // 100  # 16 months of the minimum term left
    assert quote["recovered_fees"] == (100000 + 50000) * 16 // 36
    assert quote["prepaid_refund"] == 60000
    assert quote["total"] == request.quote["total"]
    assert quote["effective_date"] == effective.isoformat()
    assert (data["effective_date"], data["pickup_date"]) == (effective.isoformat(),) * 2
    assert data["contract"]["status"] == "cancelled"
    assert data["contract"]["cancelled_on"] == effective.isoformat()
    assert data["request"]["state"] == "cancelled"


# ---- claims ------------------------------------------------------------------------------------


def test_a_claim_closed_tells_its_outcome_and_the_compensation_granted_at_once(agent, settings):
    contract = ContractFactory()
    claim = claim_open(
        customer_id=contract.customer_id, contract_id=contract.pk, user=agent, subject="Leak"
    )
    small = settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD - 1
    compensation = compensation_propose(claim_id=claim.pk, user=agent, form="voucher", amount=small)

    walk_to(claim, ClaimState.CLOSED, user=agent)

    approved, closed = _events()
    assert [approved.type, closed.type] == ["compensation.approved", "claim.closed"]
    assert approved.ordering_key == closed.ordering_key == f"contract:{contract.pk}"
    data = _data(approved)
    assert data["compensation"]["id"] == compensation.pk
    assert (data["compensation"]["amount"], data["compensation"]["approval"]) == (
        small,
        "not_needed",
    )
    assert data["claim"]["id"] == claim.pk
    data = _data(closed)
    assert data["claim"]["state"] == "closed"
    assert data["claim"]["root_cause"] == "installation"
    assert data["claim"]["recovery_outcome"] == "recovered" and data["claim"]["thanked"]
    assert data["compensations"] == [{"id": compensation.pk, "form": "voucher", "amount": small}]
    assert data["contract"]["number"] == contract.number


def test_a_compensation_above_the_threshold_is_told_once_a_supervisor_approves(
    agent, supervisor, settings
):
    contract = ContractFactory()
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leak")
    big = settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD + 1
    waiting = compensation_propose(claim_id=claim.pk, user=agent, form="refund", amount=big)
    denied = compensation_propose(claim_id=claim.pk, user=agent, form="voucher", amount=big)
    assert _events() == []  # waiting for a supervisor

    compensation_decide(compensation_id=waiting.pk, user=supervisor, approve=True)
    compensation_decide(compensation_id=denied.pk, user=supervisor, approve=False, note="No")

    event = _only(EventType.COMPENSATION_APPROVED)
    assert event.ordering_key == f"customer:{contract.customer_id}"  # no contract on the claim
    data = _data(event)["compensation"]
    assert (data["id"], data["amount"], data["approval"]) == (waiting.pk, big, "supervisor")
    assert data["approved_by_id"] == supervisor.pk


# ---- calls and win-back ------------------------------------------------------------------------


@pytest.fixture
def taken_call(agent):
    contract = ContractFactory(external_id="BILL-C-7")
    call = plan_call(contract.customer, contract_id=contract.pk)
    return call_task_claim(call_task_id=call.pk, user=agent), contract


def test_a_call_completed_tells_its_outcome(taken_call, agent):
    call, contract = taken_call
    call_task_log_outcome(
        call_task_id=call.pk, user=agent, outcome=CallOutcome.REACHED, result="Happy"
    )

    event = _only(EventType.CALL_COMPLETED)
    assert event.ordering_key == f"contract:{contract.pk}"
    data = _data(event)
    assert data["call"]["id"] == call.pk and data["call"]["kind"] == CallTaskKind.SAVE_FOLLOW_UP
    assert (data["call"]["outcome"], data["call"]["attempts"], data["call"]["result"]) == (
        "reached",
        1,
        "Happy",
    )
    assert data["call"]["agent_id"] == agent.pk
    assert data["contract"] == {
        "id": contract.pk,
        "number": contract.number,
        "external_id": "BILL-C-7",
    }
    assert len(_events()) == 1


def test_a_call_tried_again_later_tells_nothing_yet(taken_call, agent):
    call, _contract = taken_call
    call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=CallOutcome.NO_ANSWER)
    assert _events() == []


def test_do_not_call_tells_the_call_and_the_customers_wish(taken_call, agent):
    call, contract = taken_call
    call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=CallOutcome.DO_NOT_CALL)

    completed, wish = _events()
    assert [completed.type, wish.type] == ["call.completed", "customer.do_not_call"]
    assert wish.ordering_key == f"customer:{contract.customer_id}"
    data = _data(wish)
    assert data["customer"]["id"] == contract.customer_id
    assert data["customer"]["do_not_call"] is True
    assert data["call_id"] == call.pk


def test_a_customer_won_back_tells_the_new_contract(supervisor):
    left = departed(monthly_fee=100_000, months=40)  # worth a supervisor's call
    left.customer.external_id = "BILL-CU-3"
    left.customer.save(update_fields=["external_id"])
    win_back_consider()
    call_tasks_dispatch_due()
    call = call_task_claim(call_task_id=left.win_back.call_tasks.get().pk, user=supervisor)
    product = ProductFactory(monthly_fee=25000, default_term_months=36, minimum_term_months=12)

    contract = win_back_won(
        call_task_id=call.pk, user=supervisor, product_id=product.pk, diagnosis="Price"
    )

    event = _only(EventType.WINBACK_WON)
    assert event.ordering_key == f"contract:{contract.pk}"
    data = _data(event)
    assert data["win_back"]["tier"] == "top" and data["win_back"]["diagnosis"] == "Price"
    assert data["previous_contract"]["id"] == left.pk
    assert data["contract"]["id"] == contract.pk and data["contract"]["monthly_fee"] == 25000
    assert data["contract"]["product"]["id"] == product.pk
    assert data["contract"]["start_date"] == timezone.localdate().isoformat()
    assert data["customer"]["external_id"] == "BILL-CU-3"
    assert _only(EventType.CALL_COMPLETED).payload["data"]["call"]["outcome"] == "won_back"
