"""The offers of a call: one presented, approved or denied by a supervisor when above the
agent's authority (or the request for approval withdrawn), then accepted or declined."""

from datetime import timedelta

import pghistory
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.choices import CallTaskKind, SurveyTouchpoint
from calls.services.planning import call_task_request
from cancellations.choices import PresentationAnswer
from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.offer_engine.loading import offer_evaluate_for_request
from cancellations.services.common import _answer, _lock
from cancellations.webhook_events import cancellation_retained_emit
from catalog.amendments import amendment_for_offer
from catalog.models import Offer
from core.errors import Conflict, ServiceError
from core.fsm import transition_refusal, transition_run
from customers.services.contracts import contract_amend


def offer_present(
    *, request_id: int, user, offer_id: int, expected_state: str | None = None
) -> OfferPresentation:
    """Put an eligible offer to the customer, snapshotting its terms. An offer above the
    agent's authority waits for a supervisor while the customer holds."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        transition_refusal(request, "present_offer", user=user)
        try:
            offer = Offer.objects.select_related("target_product").get(pk=offer_id)
        except (Offer.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("That offer does not exist."), code="unknown_offer") from None
        evaluation = offer_evaluate_for_request(request=request, offer=offer)
        if not evaluation.eligible:
            raise ServiceError(
                _("This offer cannot be made: %(why)s") % {"why": " ".join(evaluation.why_not)},
                code="ineligible",
                details=evaluation.why_not,
            )
        now = timezone.now()
        presentation = OfferPresentation.objects.create(
            request=request,
            offer=offer,
            reason=request.reason,
            position=request.offers_presented + 1,
            code=offer.code,
            name_ko=offer.name_ko,
            name_en=offer.name_en,
            # What the agent said: the pitch for this branch, kept as it was said.
            script_ko=offer.pitch_for(request.reason.category, korean=True),
            script_en=offer.pitch_for(request.reason.category, korean=False),
            kind=offer.kind,
            value=offer.value,
            terms=evaluation.terms,
            monthly_fee_before=evaluation.monthly_fee_before,
            monthly_fee_after=evaluation.monthly_fee_after,
            cost=evaluation.cost,
            net_value=evaluation.net_value,
            needs_approval=evaluation.needs_approval,
            answer=(
                PresentationAnswer.AWAITING_APPROVAL
                if evaluation.needs_approval
                else PresentationAnswer.PENDING
            ),
            presented_by=user,
            presented_at=now,
            approval_requested_at=now if evaluation.needs_approval else None,
        )
        transition_run(
            request,
            "present_offer",
            user=user,
            data={"offer": offer.code, "needs_approval": presentation.needs_approval},
            args=(presentation,),
        )
    return presentation


def _waiting_offer(request: CancellationRequest, expected_presentation) -> OfferPresentation:
    """The offer the supervisor is looking at must be the one waiting: if the agent has
    since put another to the customer, deciding on the screen's would decide the other."""
    presentation = request.current_presentation
    if expected_presentation not in (None, "") and (
        presentation is None or str(presentation.pk) != str(expected_presentation)
    ):
        raise Conflict(_("Another offer is waiting now; look at it before you decide."))
    return presentation


def offer_approve(
    *,
    request_id: int,
    user,
    note: str = "",
    expected_state: str | None = None,
    expected_presentation: int | None = None,
) -> CancellationRequest:
    """`expected_presentation`: the offer on the supervisor's screen (refused if another
    one is waiting now)."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        presentation = _waiting_offer(request, expected_presentation)
        transition_run(request, "approve_offer", user=user, note=note)
        presentation.answer = PresentationAnswer.PENDING
        presentation.approval_decided_by, presentation.approval_decided_at = user, timezone.now()
        presentation.approval_note = note
        presentation.save(
            update_fields=["answer", "approval_decided_by", "approval_decided_at", "approval_note"]
        )
    return request


def offer_deny(
    *,
    request_id: int,
    user,
    note: str,
    expected_state: str | None = None,
    expected_presentation: int | None = None,
) -> CancellationRequest:
    if not note.strip():
        raise ServiceError(_("Say why, so the agent can tell the customer."), code="note")
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        presentation = _waiting_offer(request, expected_presentation)
        transition_run(request, "deny_offer", user=user, note=note)
        presentation.approval_decided_by, presentation.approval_decided_at = user, timezone.now()
        presentation.approval_note = note
        presentation.save(
            update_fields=["approval_decided_by", "approval_decided_at", "approval_note"]
        )
        _answer(presentation, PresentationAnswer.APPROVAL_DENIED)
    return request


def offer_approval_withdraw(
    *, request_id: int, user, expected_state: str | None = None
) -> CancellationRequest:
    """No supervisor answered within the timeout: the agent takes the customer off hold."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        presentation = request.current_presentation
        transition_run(request, "withdraw_approval_request", user=user, data={"timed_out": True})
        presentation.approval_timed_out = True
        presentation.save(update_fields=["approval_timed_out"])
        _answer(presentation, PresentationAnswer.APPROVAL_WITHDRAWN)
    return request


def offer_accept(
    *, request_id: int, user, new_address: str = "", expected_state: str | None = None
) -> CancellationRequest:
    """Retained: the contract is amended on the presented terms in the same transaction, and a
    satisfaction follow-up call is planned."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        presentation = request.current_presentation
        offer_code = getattr(presentation, "code", None)
        transition_run(request, "accept_offer", user=user, data={"offer": offer_code})
        _answer(presentation, PresentationAnswer.ACCEPTED)
        with pghistory.context(user=user.pk):
            contract_amend(
                contract_id=request.contract_id,
                amendment=amendment_for_offer(
                    presentation.kind,
                    presentation.terms,
                    note=f"{presentation.code}: {presentation.name_en}",
                    monthly_fee_after=presentation.monthly_fee_after,
                ),
                presentation_id=presentation.pk,
                user=user,
                effective_date=timezone.localdate(),
                new_address=new_address,
            )
        call_task_request(
            kind=CallTaskKind.SAVE_FOLLOW_UP,
            customer_id=request.customer_id,
            contract_id=request.contract_id,
            cancellation_request_id=request.pk,
            due_at=timezone.now() + timedelta(days=settings.RETENTION_SAVE_FOLLOW_UP_DAYS),
            assignee_id=request.agent_id,
            idempotency_key=f"save-follow-up:{request.pk}",
        )
        call_task_request(
            kind=CallTaskKind.SURVEY,
            customer_id=request.customer_id,
            contract_id=request.contract_id,
            cancellation_request_id=request.pk,
            due_at=timezone.now() + timedelta(days=settings.RETENTION_SURVEY_CALL_DELAY_DAYS),
            idempotency_key=f"survey:save:{request.pk}",
            touchpoint=SurveyTouchpoint.SAVE,
        )
        cancellation_retained_emit(request=request)
    return request


def offer_decline(
    *, request_id: int, user, note: str = "", expected_state: str | None = None
) -> CancellationRequest:
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        presentation = request.current_presentation
        transition_run(request, "decline_offer", user=user, note=note)
        _answer(presentation, PresentationAnswer.DECLINED, note)
    return request
