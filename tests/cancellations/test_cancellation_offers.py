"""Offers in a cancellation call: present, accept (retained, amended, a follow-up planned),
decline, the offer cap, refusals of ineligible or unknown offers, and a supervisor's
approval above the agent's authority."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.choices import CallTaskKind
from calls.models import CallTask
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import (
    offer_accept,
    offer_approval_withdraw,
    offer_approve,
    offer_decline,
    offer_deny,
    offer_present,
)
from core.errors import NotPermitted, ServiceError
from customers.choices import AmendmentKind
from tests.cancellations.helpers import audit_trail, request_state
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = RequestState


# ---- offers ----------------------------------------------------------------------------------


def test_present_then_accept_retains_amends_and_plans_a_follow_up(walk, agent, fee_offer):
    request = walk("financial_burden")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    assert request_state(request) == S.OFFER_PRESENTED
    assert presentation.answer == PresentationAnswer.PENDING
    assert presentation.monthly_fee_after == 27000

    offer_accept(request_id=request.pk, user=agent)
    request.refresh_from_db()
    contract = request.contract
    contract.refresh_from_db()
    assert request.state == S.RETAINED
    assert request.closed_at is not None
    assert contract.monthly_fee == 27000
    assert contract.fee_adjusted_on == timezone.localdate()
    amendment = contract.amendments.get()
    assert amendment.kind == AmendmentKind.FEE_ADJUSTMENT
    assert (amendment.old_monthly_fee, amendment.new_monthly_fee) == (30000, 27000)
    assert amendment.created_by == agent
    follow_up = CallTask.objects.get(cancellation_request=request, kind="save_follow_up")
    assert follow_up.kind == CallTaskKind.SAVE_FOLLOW_UP
    assert follow_up.assignee == agent
    assert timedelta(days=6) < follow_up.due_at - timezone.now() <= timedelta(days=7)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.ACCEPTED
    assert [a for a, _, _ in audit_trail(request)] == [
        "open",
        "identify_reason",
        "present_offer",
        "accept_offer",
    ]


def test_decline_returns_to_the_branch_and_logs_the_decline(walk, agent, visit_offer, fee_offer):
    request = walk("financial_burden")
    first = offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    offer_decline(request_id=request.pk, user=agent, note="Not interested")
    assert request_state(request) == S.FINANCIAL_BURDEN
    first.refresh_from_db()
    assert first.answer == PresentationAnswer.DECLINED
    assert first.answer_note == "Not interested"
    second = offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    assert second.position == 2


def test_the_same_offer_is_not_presented_twice_in_one_call(walk, agent, visit_offer):
    request = walk("dissatisfied")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    offer_decline(request_id=request.pk, user=agent)
    with pytest.raises(ServiceError, match="already presented"):
        offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    assert request_state(request) == S.DISSATISFIED


def test_offer_cap_stops_a_fourth_offer_and_steers_to_the_quote(walk, agent):
    from tests.factories import OfferFactory

    offers = [OfferFactory(reason_categories=["financial"]) for _ in range(4)]
    request = walk("financial_burden")
    for offer in offers[:3]:
        offer_present(request_id=request.pk, user=agent, offer_id=offer.pk)
        offer_decline(request_id=request.pk, user=agent)
    with pytest.raises(ServiceError, match="limit of offers"):
        offer_present(request_id=request.pk, user=agent, offer_id=offers[3].pk)
    assert request_state(request) == S.FINANCIAL_BURDEN
    assert request.presentations.count() == 3
    assert set(request.presentations.values_list("answer", flat=True)) == {"declined"}
    # the way out is still there
    cancellation_insist(request_id=request.pk, user=agent)
    assert request_state(request) == S.CANCELLING


def test_an_ineligible_offer_is_refused_with_the_reason(walk, agent, fee_offer):
    request = walk("dissatisfied")  # a fee adjustment answers the financial branch only
    with pytest.raises(ServiceError, match="does not answer this reason") as refused:
        offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    assert refused.value.details
    assert request_state(request) == S.DISSATISFIED
    assert not request.presentations.exists()


def test_an_expired_offer_is_refused(walk, agent, visit_offer):
    visit_offer.active_until = timezone.now() - timedelta(minutes=1)
    visit_offer.save()
    request = walk("dissatisfied")
    with pytest.raises(ServiceError, match="expired"):
        offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    assert request_state(request) == S.DISSATISFIED


def test_unknown_offer_is_refused(walk, agent):
    request = walk("dissatisfied")
    with pytest.raises(ServiceError, match="does not exist"):
        offer_present(request_id=request.pk, user=agent, offer_id=987654)


def test_an_offer_above_authority_waits_for_a_supervisor(walk, agent, supervisor, costly_offer):
    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    assert presentation.needs_approval
    assert request_state(request) == S.AWAITING_APPROVAL
    with pytest.raises(NotPermitted):
        offer_approve(request_id=request.pk, user=agent)
    with pytest.raises(ServiceError, match="not possible"):
        offer_accept(request_id=request.pk, user=agent)
    assert request_state(request) == S.AWAITING_APPROVAL

    offer_approve(request_id=request.pk, user=supervisor, note="Worth keeping")
    assert request_state(request) == S.OFFER_PRESENTED
    presentation.refresh_from_db()
    assert presentation.approval_decided_by == supervisor
    assert presentation.answer == PresentationAnswer.PENDING
    offer_accept(request_id=request.pk, user=agent)
    assert request_state(request) == S.RETAINED


def test_a_denied_offer_returns_to_the_branch_with_the_note(walk, agent, supervisor, costly_offer):
    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    with pytest.raises(ServiceError, match="Say why"):
        offer_deny(request_id=request.pk, user=supervisor, note=" ")
    assert request_state(request) == S.AWAITING_APPROVAL
    offer_deny(request_id=request.pk, user=supervisor, note="Too generous for this tier")
    assert request_state(request) == S.COMPETITOR
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.APPROVAL_DENIED
    assert presentation.approval_note == "Too generous for this tier"


def test_a_supervisor_cannot_approve_on_their_own_request(walk, supervisor, costly_offer):
    request = walk("competitor", user=supervisor)
    offer_present(request_id=request.pk, user=supervisor, offer_id=costly_offer.pk)
    with pytest.raises(NotPermitted):
        offer_approve(request_id=request.pk, user=supervisor)
    assert request_state(request) == S.AWAITING_APPROVAL
    other = UserFactory(username="supervisor-two", role="supervisor")
    offer_approve(request_id=request.pk, user=other)
    assert request_state(request) == S.OFFER_PRESENTED


def test_an_unanswered_approval_can_be_withdrawn_only_after_the_timeout(
    walk, agent, costly_offer, settings
):
    import time_machine

    request = walk("competitor")
    presentation = offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    with pytest.raises(ServiceError, match="withdrawn after 120 seconds"):
        offer_approval_withdraw(request_id=request.pk, user=agent)
    assert request_state(request) == S.AWAITING_APPROVAL
    later = timezone.now() + timedelta(seconds=settings.RETENTION_APPROVAL_TIMEOUT_SECONDS + 1)
    with time_machine.travel(later):
        offer_approval_withdraw(request_id=request.pk, user=agent)
    assert request_state(request) == S.COMPETITOR
    presentation.refresh_from_db()
    assert presentation.approval_timed_out
    assert presentation.answer == PresentationAnswer.APPROVAL_WITHDRAWN
