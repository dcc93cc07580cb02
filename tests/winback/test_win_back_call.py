"""The win-back call (재유치) and intensive care (집중 치료): won back on a new contract with
care calls and a survey (an offer's discount included), or declined with its diagnosis."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus, SurveyTouchpoint
from calls.models import CallTask, Survey
from calls.services.dispatch import call_task_prepare, call_tasks_dispatch_due
from calls.services.taking import call_task_claim
from cancellations.services.closing import cancellation_confirm, cancellation_insist
from core.dates import add_months
from core.models import AuditEntry
from customers.choices import ContractStatus
from customers.models import Contract
from tests.factories import ContractFactory, OfferFactory
from tests.winback.helpers import win_back_call_for, win_back_case_for
from winback.choices import WinBackOutcome
from winback.models import WinBackCase
from winback.services.winback import win_back_consider, win_back_declined, win_back_won

pytestmark = pytest.mark.django_db

K = CallTaskKind

S = CallTaskStatus

W = WinBackOutcome

CARE = [K.CARE_CHECK_IN, K.CARE_REVIEW]


# ---- the win-back call -----------------------------------------------------------------------


@pytest.fixture
def left_after_cancelling(clock, walk, agent, contract, reason):
    """The retention fixtures' customer, who cancelled for the fee 31 days ago (through the
    real services) and is worth calling: lifetime revenue puts them in the top tier."""
    customer = contract.customer
    customer.lifetime_revenue = 3_000_000
    customer.save(update_fields=["lifetime_revenue"])
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())
    clock.shift(timedelta(days=31))
    win_back_consider()
    case = win_back_case_for(contract)
    assert case.original_reason == reason("fee_burden")
    return case


@pytest.fixture
def taken(left_after_cancelling, supervisor):
    """The win-back call, taken by a supervisor (top tier)."""
    call = win_back_call_for(left_after_cancelling.contract)
    call_tasks_dispatch_due()
    return call_task_claim(call_task_id=call.pk, user=supervisor)


def test_won_back_makes_a_new_contract_and_plans_intensive_care_and_a_survey(
    taken, supervisor, new_product, visit_offer, reason, settings, clock
):
    now = timezone.now()
    start = timezone.localdate()

    contract = win_back_won(
        call_task_id=taken.pk,
        user=supervisor,
        product_id=new_product.pk,
        offer_id=visit_offer.pk,
        diagnosed_reason_id=reason("product_quality").pk,
        diagnosis="  The filter smelled; the fee was the polite reason.  ",
    )

    case = WinBackCase.objects.get(pk=taken.win_back_id)
    assert (contract.customer_id, contract.product, contract.status) == (
        case.customer_id,
        new_product,
        ContractStatus.ACTIVE,
    )
    assert (contract.start_date, contract.term_months, contract.monthly_fee) == (
        start,
        36,
        25_000,
    )
    assert (case.outcome, case.new_contract, case.offer) == (W.WON_BACK, contract, visit_offer)
    assert case.diagnosed_reason == reason("product_quality")
    assert case.original_reason == reason("fee_burden")  # kept beside the diagnosis
    assert case.diagnosis_note == "The filter smelled; the fee was the polite reason."
    assert (case.handled_by, case.closed_at) == (supervisor, now)
    call = CallTask.objects.get(pk=taken.pk)
    assert (call.status, call.outcome, call.attempts) == (S.DONE, CallOutcome.WON_BACK, 1)
    assert AuditEntry.objects.filter(action="win_back", subject_id=case.pk).count() == 1

    care = CallTask.objects.filter(win_back=case, kind__in=CARE).order_by("due_at")
    assert [
        (c.kind, timezone.localtime(c.due_at).date(), c.queue, c.contract, c.status) for c in care
    ] == [
        (K.CARE_CHECK_IN, add_months(start, 1), CallQueue.SPECIALISTS, contract, S.SCHEDULED),
        (K.CARE_CHECK_IN, add_months(start, 3), CallQueue.SPECIALISTS, contract, S.SCHEDULED),
        (K.CARE_CHECK_IN, add_months(start, 5), CallQueue.SPECIALISTS, contract, S.SCHEDULED),
        (K.CARE_REVIEW, add_months(start, 6), CallQueue.SUPERVISORS, contract, S.SCHEDULED),
    ]
    assert all(timezone.localtime(c.due_at).time() == timezone.localtime(now).time() for c in care)
    survey_call = CallTask.objects.get(win_back=case, kind=K.SURVEY)
    assert survey_call.due_at == now + timedelta(days=settings.RETENTION_SURVEY_CALL_DELAY_DAYS)
    assert survey_call.status == S.SCHEDULED

    clock.move_to(survey_call.due_at)
    assert call_tasks_dispatch_due() == [survey_call.pk]
    call_task_prepare(call_task_id=survey_call.pk)
    survey = Survey.objects.get(win_back=case)
    assert (survey.touchpoint, survey.customer_id) == (SurveyTouchpoint.WIN_BACK, case.customer_id)


def test_a_won_back_customer_who_cancels_again_gets_no_more_care_calls(
    taken, supervisor, agent, new_product, walk, clock
):
    contract = win_back_won(call_task_id=taken.pk, user=supervisor, product_id=new_product.pk)
    clock.shift(timedelta(days=32))  # the first check-in is due and waiting
    call_tasks_dispatch_due()
    care = CallTask.objects.filter(contract=contract, kind__in=CARE)
    assert sorted(care.values_list("status", flat=True)) == [S.DUE, *[S.SCHEDULED] * 3]

    request = walk("financial_burden", contract_=contract)
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())

    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.CANCELLED
    assert list(care.values_list("status", flat=True)) == [S.CANCELLED] * 4
    later = call_tasks_dispatch_due(now=timezone.now() + timedelta(days=200))
    assert not set(later) & set(care.values_list("pk", flat=True))


def test_cancelling_another_contract_does_not_end_the_care_of_the_won_back_one(
    taken, supervisor, agent, new_product, walk
):
    """Intensive care follows the won-back contract: a customer who keeps it while giving
    up some other rental has not left again."""
    won = win_back_won(call_task_id=taken.pk, user=supervisor, product_id=new_product.pk)
    other = ContractFactory(customer=won.customer, start_date=add_months(won.start_date, -20))

    request = walk("financial_burden", contract_=other)
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())

    assert Contract.objects.get(pk=won.pk).status == ContractStatus.ACTIVE
    care = CallTask.objects.filter(contract=won, kind__in=CARE)
    assert list(care.values_list("status", flat=True)) == [S.SCHEDULED] * 4


def test_declined_records_the_diagnosis_and_plans_nothing(
    taken, supervisor, reason, left_after_cancelling
):
    case = win_back_declined(
        call_task_id=taken.pk,
        user=supervisor,
        diagnosed_reason_id=reason("competitor_cheaper").pk,
        diagnosis="  Signed with a rival for two years.  ",
    )

    case = WinBackCase.objects.get(pk=case.pk)
    assert case.outcome == W.DECLINED
    assert (case.diagnosed_reason, case.original_reason) == (
        reason("competitor_cheaper"),
        reason("fee_burden"),
    )
    assert case.diagnosis_note == "Signed with a rival for two years."
    assert (case.handled_by, case.closed_at, case.new_contract) == (
        supervisor,
        timezone.now(),
        None,
    )
    call = CallTask.objects.get(pk=taken.pk)
    assert (call.status, call.outcome, call.attempts) == (S.DONE, CallOutcome.DECLINED, 1)
    assert not CallTask.objects.filter(win_back=case).exclude(pk=call.pk).exists()
    assert Contract.objects.filter(customer_id=case.customer_id).count() == 1


def test_win_back_discount_reaches_the_new_contract(win_back_call, supervisor):
    task, contract = win_back_call
    discount = OfferFactory(kind="discount_percent", value=15, duration_months=6, agent_limit=None)
    new = win_back_won(
        call_task_id=task.pk, user=supervisor, product_id=contract.product_id, offer_id=discount.pk
    )
    new = Contract.objects.get(pk=new.pk)
    assert new.discount_percent == 15
    assert new.amendments.get().kind == "discount"
