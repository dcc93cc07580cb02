"""A win-back call is closed once, by whoever took it, with good input and an offer within
authority; never as an ordinary call, never with its case left pending."""

import pytest

from calls.choices import CallOutcome, CallTaskKind, CallTaskStatus
from calls.models import CallTask
from calls.services.dispatch import call_tasks_dispatch_due
from calls.services.taking import call_task_claim, call_task_log_outcome
from core.errors import NotPermitted, ServiceError
from customers.models import Contract
from tests.calls.helpers import departed, plan_call
from tests.factories import OfferFactory
from tests.winback.helpers import win_back_call_for
from winback.choices import WinBackOutcome
from winback.models import WinBackCase
from winback.services.winback import (
    win_back_consider,
    win_back_declined,
    win_back_mark_unreachable,
    win_back_outcome_log,
    win_back_won,
)

pytestmark = pytest.mark.django_db

K = CallTaskKind

S = CallTaskStatus

W = WinBackOutcome


# ---- refusals --------------------------------------------------------------------------------


def _won(call, user, product):
    return win_back_won(call_task_id=call.pk, user=user, product_id=product.pk)


def _declined(call, user, product):
    return win_back_declined(call_task_id=call.pk, user=user)


both = pytest.mark.parametrize("close", [_won, _declined], ids=["won", "declined"])


@pytest.fixture
def top_call(clock):
    contract = departed(monthly_fee=100_000, months=40)
    win_back_consider()
    call_tasks_dispatch_due()
    return win_back_call_for(contract)


def _unchanged(call) -> tuple:
    kept = CallTask.objects.get(pk=call.pk)
    case = WinBackCase.objects.get(pk=call.win_back_id)
    return (
        kept.status,
        kept.assignee_id,
        kept.attempts,
        kept.outcome,
        case.outcome,
        case.closed_at,
        Contract.objects.count(),
        CallTask.objects.count(),
    )


@both
def test_a_win_back_call_not_taken_cannot_be_closed(top_call, supervisor, new_product, close):
    before = _unchanged(top_call)
    with pytest.raises(NotPermitted, match="Take the call"):
        close(top_call, supervisor, new_product)
    assert _unchanged(top_call) == before


@both
def test_a_win_back_call_taken_by_someone_else_cannot_be_closed(
    top_call, supervisor, specialist, new_product, close
):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    before = _unchanged(top_call)
    with pytest.raises(NotPermitted):
        close(top_call, specialist, new_product)
    assert _unchanged(top_call) == before


@both
def test_a_win_back_case_closed_meanwhile_cannot_be_closed_again(
    top_call, supervisor, new_product, close
):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    win_back_mark_unreachable(win_back_id=top_call.win_back_id)  # closed from elsewhere
    before = _unchanged(top_call)
    with pytest.raises(ServiceError, match="already closed") as refused:
        close(top_call, supervisor, new_product)
    assert refused.value.code == "closed"
    assert _unchanged(top_call) == before


@both
def test_a_second_click_closes_the_case_once(top_call, supervisor, new_product, close):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    close(top_call, supervisor, new_product)
    after_first = _unchanged(top_call)
    with pytest.raises(ServiceError):
        close(top_call, supervisor, new_product)
    assert _unchanged(top_call) == after_first
    assert CallTask.objects.filter(kind=K.CARE_REVIEW).count() == (1 if close is _won else 0)


@both
def test_closing_an_ordinary_call_as_a_win_back_is_refused(customer, agent, new_product, close):
    call = plan_call(customer)
    call_task_claim(call_task_id=call.pk, user=agent)
    with pytest.raises(ServiceError) as refused:
        close(call, agent, new_product)
    assert refused.value.code == "not_found"
    assert CallTask.objects.get(pk=call.pk).status == S.IN_PROGRESS


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"product_id": 987654321}, "product"),
        ({"offer_id": 987654321}, "offer"),
        ({"diagnosed_reason_id": 987654321}, "unknown_reason"),
    ],
    ids=["unknown-product", "unknown-offer", "unknown-reason"],
)
def test_won_back_with_bad_input_changes_nothing(top_call, supervisor, new_product, change, code):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    before = _unchanged(top_call)
    with pytest.raises(ServiceError) as refused:
        win_back_won(
            call_task_id=top_call.pk, user=supervisor, **{"product_id": new_product.pk, **change}
        )
    assert refused.value.code == code
    assert _unchanged(top_call) == before


def test_won_back_on_a_product_no_longer_sold_is_refused(top_call, supervisor, new_product):
    new_product.is_active = False
    new_product.save(update_fields=["is_active"])
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    with pytest.raises(ServiceError) as refused:
        _won(top_call, supervisor, new_product)
    assert refused.value.code == "product"
    assert WinBackCase.objects.get(pk=top_call.win_back_id).outcome == W.PENDING


def test_the_ordinary_outcome_service_refuses_a_win_back_call(top_call, supervisor):
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    with pytest.raises(ServiceError, match="win-back form"):
        call_task_log_outcome(
            call_task_id=top_call.pk, user=supervisor, outcome=CallOutcome.NO_ANSWER
        )
    assert CallTask.objects.get(pk=top_call.pk).status == S.IN_PROGRESS


@pytest.mark.parametrize(
    "outcome", [CallOutcome.REACHED, CallOutcome.WRONG_NUMBER, CallOutcome.DO_NOT_CALL]
)
def test_a_win_back_call_is_never_closed_with_its_case_left_pending(top_call, supervisor, outcome):
    """Nothing lost: the call screen offers the ordinary outcomes on a win-back call too.
    Either the outcome is refused (the call stays open for won back / declined) or, if the
    call is closed, its case is closed with it; never a pending case with no call left."""
    call_task_claim(call_task_id=top_call.pk, user=supervisor)
    try:
        win_back_outcome_log(call_task_id=top_call.pk, user=supervisor, outcome=outcome)
    except ServiceError:
        assert CallTask.objects.get(pk=top_call.pk).status == S.IN_PROGRESS
        return
    case = WinBackCase.objects.get(pk=top_call.win_back_id)
    open_calls = CallTask.objects.filter(
        win_back=case, status__in=[S.SCHEDULED, S.DUE, S.IN_PROGRESS]
    )
    assert case.outcome != W.PENDING or open_calls.exists(), (
        f"the case is still pending after the call was closed as {outcome!r}, with no call left"
    )


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
