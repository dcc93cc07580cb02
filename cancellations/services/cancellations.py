"""One service per step of the cancellation logic tree.

Each service: opens a transaction, locks the request row (`select_for_update`), checks the
step is possible for this user now (refusing with a message otherwise, changing nothing),
runs the django-fsm transition, saves, writes the audit entry, and plans follow-up calls as
database rows. Views, Celery tasks and a future HTTP API call these alike.

`expected_state` is the state the caller last saw (the console sends it with every click).
If someone else has moved the request since, the service raises `Conflict` instead of
acting on a state the agent never saw: of two agents clicking at once, exactly one wins.
"""

from datetime import date, datetime, timedelta

import pghistory
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.choices import CallQueue, CallTaskKind, CallTaskStatus, SurveyTouchpoint
from calls.services.planning import call_task_request, call_tasks_end
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import OPEN_STATES, CancellationRequest, OfferPresentation
from cancellations.offer_engine import offer_evaluate_for_request
from catalog.amendments import amendment_for_offer
from catalog.choices import ReasonCategory
from catalog.models import Offer, Reason
from core.choices import AuditAction
from core.errors import Conflict, NotPermitted, RequestAlreadyOpen, ServiceError
from core.fsm import record_lock, transition_refusal, transition_run
from core.models import AuditEntry
from core.permissions import can_handle_request
from core.services.audit import audit_record
from core.services.handling import (
    handled_call_notes_save,
    handled_call_request_manager,
    handled_call_tag,
)
from customers.models import Contract
from customers.quote import QuoteTerms, cancellation_quote
from customers.services.contracts import contract_amend, contract_cancel

_MISSING = gettext_lazy("That cancellation request does not exist.")


def _requests():
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason", "current_presentation"
    )


def _lock(request_id: int, expected_state: str | None) -> CancellationRequest:
    return record_lock(_requests(), request_id, expected_state=expected_state, missing=_MISSING)


def _answer(presentation: OfferPresentation | None, answer: str, note: str = "") -> None:
    if presentation is None:
        return
    presentation.answer, presentation.answered_at = answer, timezone.now()
    if note:
        presentation.answer_note = note
    presentation.save(update_fields=["answer", "answered_at", "answer_note"])


# ---- opening and the reason ------------------------------------------------------------------


def cancellation_open(
    *, contract_id: int, user, note: str = "", source_claim_id: int | None = None
) -> CancellationRequest:
    """Open a request for one contract. A contract has at most one open request: opening
    again returns the refusal with the open request's id, so the console can go there."""
    if not user.has_perm("customers.handle_calls"):
        raise NotPermitted(_("Only agents and supervisors handle cancellation calls."))
    with transaction.atomic():
        try:
            contract = (
                Contract.objects.select_for_update().select_related("customer").get(pk=contract_id)
            )
        except (Contract.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("That contract does not exist."), code="not_found") from None
        if not contract.is_open:
            raise ServiceError(
                _("This contract is %(status)s: there is nothing left to cancel.")
                % {"status": contract.get_status_display().lower()},
                code="contract_closed",
            )
        existing = (
            CancellationRequest.objects.filter(contract=contract, state__in=OPEN_STATES)
            .values_list("pk", flat=True)
            .first()
        )
        if existing:
            raise RequestAlreadyOpen(
                _("This contract already has an open cancellation request."), request_id=existing
            )
        try:
            with transaction.atomic():
                request = CancellationRequest.objects.create(
                    contract=contract,
                    customer=contract.customer,
                    agent=user,
                    max_offers=settings.RETENTION_MAX_OFFERS_PER_REQUEST,
                    notes=note,
                    source_claim_id=source_claim_id,
                )
        except IntegrityError:
            raise RequestAlreadyOpen(
                _("This contract already has an open cancellation request."),
                request_id=CancellationRequest.objects.filter(
                    contract=contract, state__in=OPEN_STATES
                )
                .values_list("pk", flat=True)
                .first(),
            ) from None
        audit_record(
            subject=request,
            action=AuditAction.OPEN,
            target=request.state,
            user=user,
            note=note,
            data={"source_claim": source_claim_id} if source_claim_id else None,
        )
    return request


def cancellation_identify_reason(
    *,
    request_id: int,
    user,
    reason_id: int,
    note: str = "",
    competitor_name: str = "",
    competitor_offer: str = "",
    expected_state: str | None = None,
) -> CancellationRequest:
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        try:
            reason = Reason.objects.get(pk=reason_id, is_active=True)
        except (Reason.DoesNotExist, ValueError, TypeError):
            raise ServiceError(_("Choose a reason from the list."), code="unknown_reason") from None
        request.reason = reason
        request.reason_note = note.strip()
        # Who they leave for is recorded for the competitor branch only, so the competitor
        # analysis never counts a name typed by habit on another reason.
        is_competitor = reason.category == ReasonCategory.COMPETITOR
        request.competitor_name = competitor_name.strip() if is_competitor else ""
        request.competitor_offer = competitor_offer.strip() if is_competitor else ""
        transition_run(
            request,
            "identify_reason",
            user=user,
            note=note,
            data={"reason": reason.code, "category": reason.category},
        )
    return request


# ---- offers ----------------------------------------------------------------------------------


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


# ---- the way out -----------------------------------------------------------------------------


def _quote_for(request: CancellationRequest, effective_date: date) -> dict:
    if effective_date < timezone.localdate():
        raise ServiceError(_("The cancellation cannot take effect in the past."), code="date")
    terms = QuoteTerms.for_contract(request.contract)
    return cancellation_quote(terms=terms, effective_date=effective_date).as_dict()


def cancellation_insist(
    *,
    request_id: int,
    user,
    effective_date: date | None = None,
    note: str = "",
    expected_state: str | None = None,
) -> CancellationRequest:
    """The customer insists: always possible from the reason, a branch or an offer. The exact
    quote is computed and kept on the request."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        pending = request.current_presentation
        effective_date = effective_date or timezone.localdate()
        quote = _quote_for(request, effective_date)
        transition_run(request, "insist_on_cancelling", user=user, note=note)
        if pending is not None and pending.answer in (
            PresentationAnswer.PENDING,
            PresentationAnswer.AWAITING_APPROVAL,
        ):
            _answer(
                pending,
                PresentationAnswer.DECLINED
                if pending.answer == PresentationAnswer.PENDING
                else PresentationAnswer.APPROVAL_WITHDRAWN,
                note or _("The customer insisted on cancelling."),
            )
        request.quote, request.effective_date = quote, effective_date
        request.save()
    return request


def cancellation_requote(
    *, request_id: int, user, effective_date: date, expected_state: str | None = None
) -> CancellationRequest:
    """Quote another effective date while cancelling."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        if request.state != RequestState.CANCELLING:
            raise ServiceError(_("A quote is given while cancelling."), code="illegal_transition")
        if not can_handle_request(user, request):
            raise NotPermitted(_("You are not allowed to take that step."))
        request.quote = _quote_for(request, effective_date)
        request.effective_date = effective_date
        request.save()
        audit_record(
            subject=request,
            action=AuditAction.REQUOTE,
            source=request.state,
            target=request.state,
            user=user,
            data={"effective_date": effective_date.isoformat(), "total": request.quote["total"]},
        )
    return request


def cancellation_reconsider(
    *, request_id: int, user, note: str = "", expected_state: str | None = None
) -> CancellationRequest:
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        transition_run(request, "reconsider", user=user, note=note)
    return request


def cancellation_confirm(
    *,
    request_id: int,
    user,
    pickup_date: date,
    note: str = "",
    expected_state: str | None = None,
) -> CancellationRequest:
    """Cancelled on the quoted terms: the contract ends on the effective date, the pickup is
    booked, and a survey call is planned. Win-back considers the contract from here on."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        if pickup_date is None or (
            request.effective_date and pickup_date < request.effective_date - timedelta(days=30)
        ):
            raise ServiceError(_("Choose the date the product is picked up."), code="pickup")
        if pickup_date < timezone.localdate():
            raise ServiceError(_("The pickup cannot be in the past."), code="pickup")
        transition_run(
            request,
            "confirm_cancellation",
            user=user,
            note=note,
            data={"total": (request.quote or {}).get("total")},
        )
        request.pickup_date = pickup_date
        request.save()
        with pghistory.context(user=user.pk):
            contract_cancel(contract_id=request.contract_id, effective_date=request.effective_date)
        # A won-back customer who leaves again gets no more intensive-care calls.
        call_tasks_end(
            contract_id=request.contract_id,
            kinds=[CallTaskKind.CARE_CHECK_IN, CallTaskKind.CARE_REVIEW],
        )
        call_task_request(
            kind=CallTaskKind.SURVEY,
            customer_id=request.customer_id,
            contract_id=request.contract_id,
            cancellation_request_id=request.pk,
            due_at=timezone.now() + timedelta(days=settings.RETENTION_SURVEY_CALL_DELAY_DAYS),
            idempotency_key=f"survey:cancellation:{request.pk}",
            touchpoint=SurveyTouchpoint.CANCELLATION,
        )
    return request


# ---- pauses and endings ----------------------------------------------------------------------


def cancellation_schedule_callback(
    *,
    request_id: int,
    user,
    callback_at: datetime,
    note: str = "",
    expected_state: str | None = None,
) -> CancellationRequest:
    """The customer wants to think it over: a callback at the promised time, by the same
    agent, planned as a call task."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        if callback_at is None or timezone.is_naive(callback_at):
            raise ServiceError(_("Give the callback date and time."), code="callback")
        request.callback_at = callback_at
        transition_run(
            request,
            "schedule_callback",
            user=user,
            note=note,
            data={"callback_at": callback_at.isoformat()},
        )
        call_task_request(
            kind=CallTaskKind.CALLBACK,
            customer_id=request.customer_id,
            contract_id=request.contract_id,
            cancellation_request_id=request.pk,
            due_at=callback_at,
            queue=CallQueue.AGENTS,
            assignee_id=request.agent_id,
            # The n-th callback of this request: a retried click plans it once, and a later
            # callback promised for the same time is planned anew.
            idempotency_key=f"callback:{request.pk}:{_callbacks_promised(request)}",
            notes=note,
        )
    return request


def cancellation_resume(
    *, request_id: int, user, expected_state: str | None = None
) -> CancellationRequest:
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        transition_run(request, "resume", user=user)
        request.callback_at, request.resumed_at = None, timezone.now()
        request.save()
        call_tasks_end(
            cancellation_request_id=request.pk,
            kinds=[CallTaskKind.CALLBACK],
            taken_too=False,
            status=CallTaskStatus.DONE,
        )
    return request


def cancellation_withdraw(
    *, request_id: int, user, note: str = "", expected_state: str | None = None
) -> CancellationRequest:
    """The customer no longer wants to cancel (or the request was opened by mistake)."""
    with transaction.atomic():
        request = _lock(request_id, expected_state)
        pending = request.current_presentation
        transition_run(request, "withdraw", user=user, note=note)
        if pending is not None and pending.answer == PresentationAnswer.AWAITING_APPROVAL:
            _answer(pending, PresentationAnswer.APPROVAL_WITHDRAWN)
        elif pending is not None and pending.answer == PresentationAnswer.PENDING:
            _answer(pending, PresentationAnswer.ABANDONED)
        call_tasks_end(
            cancellation_request_id=request.pk, kinds=[CallTaskKind.CALLBACK], taken_too=False
        )
    return request


def _callbacks_promised(request: CancellationRequest) -> int:
    """How many callbacks this request has promised, counting the one being promised now
    (the audit entry of this transition is already written)."""
    return AuditEntry.objects.filter(
        subject_type__app_label="cancellations",
        subject_type__model="cancellationrequest",
        subject_id=request.pk,
        action=AuditAction.SCHEDULE_CALLBACK,
    ).count()


def cancellation_notes_save(*, request_id: int, user, notes: str) -> CancellationRequest:
    return handled_call_notes_save(
        queryset=_requests(), pk=request_id, user=user, notes=notes, missing=_MISSING
    )


def cancellation_tag_customer_type(
    *, request_id: int, user, customer_type_id: int | None
) -> CancellationRequest:
    return handled_call_tag(
        queryset=_requests(),
        pk=request_id,
        user=user,
        customer_type_id=customer_type_id,
        missing=_MISSING,
    )


def cancellation_request_manager(
    *, request_id: int, user, note: str = "", expected_state: str | None = None
) -> CancellationRequest:
    return handled_call_request_manager(
        queryset=_requests(),
        pk=request_id,
        user=user,
        note=note,
        expected_state=expected_state,
        missing=_MISSING,
    )
