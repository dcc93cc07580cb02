"""The way out of a cancellation call: insisting, the quote, reconsidering, confirming the
cancellation, callbacks and withdrawal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.choices import CallTaskKind
from calls.models import CallTask
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import CancellationRequest
from cancellations.services.closing import (
    cancellation_confirm,
    cancellation_insist,
    cancellation_reconsider,
    cancellation_requote,
    cancellation_resume,
    cancellation_schedule_callback,
    cancellation_withdraw,
)
from cancellations.services.offers import offer_present
from core.errors import ServiceError
from customers.choices import ContractStatus
from tests.cancellations.helpers import audit_trail, request_state

pytestmark = pytest.mark.django_db

S = RequestState


# ---- the way out -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "branch", ["dissatisfied", "financial_burden", "contract_change", "competitor"]
)
def test_insist_is_possible_from_every_branch(walk, agent, branch):
    request = walk(branch)
    cancellation_insist(request_id=request.pk, user=agent)
    request.refresh_from_db()
    assert request.state == S.CANCELLING
    assert request.quote["total"] == sum(line["amount"] for line in request.quote["lines"])
    assert request.effective_date == timezone.localdate()


def test_insist_from_an_offer_on_the_table_logs_the_decline(walk, agent, visit_offer):
    request = walk("dissatisfied")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    cancellation_insist(request_id=request.pk, user=agent)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.DECLINED
    assert request_state(request) == S.CANCELLING


def test_insist_while_on_hold_withdraws_the_approval_request(walk, agent, costly_offer):
    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    cancellation_insist(request_id=request.pk, user=agent)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.APPROVAL_WITHDRAWN
    assert request_state(request) == S.CANCELLING


def test_a_quote_for_a_past_date_is_refused(walk, agent, today):
    request = walk("financial_burden")
    with pytest.raises(ServiceError, match="past"):
        cancellation_insist(
            request_id=request.pk, user=agent, effective_date=today - timedelta(days=1)
        )
    assert request_state(request) == S.FINANCIAL_BURDEN


def test_reconsider_goes_back_to_the_branch(walk, agent):
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    cancellation_reconsider(request_id=request.pk, user=agent)
    assert request_state(request) == S.FINANCIAL_BURDEN


def test_reconsider_after_an_unavoidable_reason_goes_back_to_the_reason(walk, agent):
    request = walk("cancelling")
    cancellation_reconsider(request_id=request.pk, user=agent)
    assert request_state(request) == S.OPENED


def test_confirm_cancels_the_contract_on_the_quoted_date_and_plans_a_survey(walk, agent, today):
    request = walk("financial_burden")
    effective = today + timedelta(days=10)
    cancellation_insist(request_id=request.pk, user=agent, effective_date=effective)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=effective)
    request.refresh_from_db()
    request.contract.refresh_from_db()
    assert request.state == S.CANCELLED
    assert request.pickup_date == effective
    assert request.contract.status == ContractStatus.CANCELLED
    assert request.contract.cancelled_on == effective
    assert CallTask.objects.get(cancellation_request=request).kind == CallTaskKind.SURVEY


def test_requote_changes_the_quote_while_cancelling(walk, agent, today):
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    before = CancellationRequest.objects.get(pk=request.pk).quote
    later = today + timedelta(days=120)
    cancellation_requote(request_id=request.pk, user=agent, effective_date=later)
    after = CancellationRequest.objects.get(pk=request.pk)
    assert after.effective_date == later
    assert after.quote["total"] < before["total"]
    assert audit_trail(request)[-1][0] == "requote"


def test_confirm_without_pickup_date_is_refused(walk, agent):
    request = walk("cancelling")
    with pytest.raises(ServiceError, match="pick"):
        cancellation_confirm(request_id=request.pk, user=agent, pickup_date=None)
    assert request_state(request) == S.CANCELLING


def test_confirm_needs_a_quote(walk, agent, today):
    request = walk("cancelling")  # unavoidable: in cancelling without insist, so no quote yet
    with pytest.raises(ServiceError, match="quote"):
        cancellation_confirm(request_id=request.pk, user=agent, pickup_date=today)
    cancellation_requote(request_id=request.pk, user=agent, effective_date=today)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=today)
    assert request_state(request) == S.CANCELLED


# ---- callbacks and withdrawal ----------------------------------------------------------------


def test_callback_then_resume_returns_to_where_the_call_was(walk, agent, future):
    request = walk("financial_burden")
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    assert request_state(request) == S.CALLBACK_SCHEDULED
    task = CallTask.objects.get(cancellation_request=request, kind="callback")
    assert (task.kind, task.due_at, task.assignee) == (CallTaskKind.CALLBACK, future, agent)
    cancellation_resume(request_id=request.pk, user=agent)
    assert request_state(request) == S.FINANCIAL_BURDEN
    task.refresh_from_db()
    assert task.status == "done"


def test_a_callback_in_the_past_is_refused(walk, agent):
    request = walk("financial_burden")
    with pytest.raises(ServiceError, match="future"):
        cancellation_schedule_callback(
            request_id=request.pk, user=agent, callback_at=timezone.now() - timedelta(hours=1)
        )
    assert request_state(request) == S.FINANCIAL_BURDEN
    assert not CallTask.objects.exists()


def test_withdraw_from_any_open_state_closes_the_request(walk, agent, visit_offer, future):
    request = walk("dissatisfied")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    cancellation_schedule_callback(request_id=request.pk, user=agent, callback_at=future)
    cancellation_withdraw(request_id=request.pk, user=agent, note="Changed their mind")
    request.refresh_from_db()
    assert request.state == S.WITHDRAWN
    assert CallTask.objects.get(cancellation_request=request, kind="callback").status == "cancelled"
