"""The way out (the customer insists, the quote, reconsidering, the confirmation) and the
pauses and endings of a request (a callback, resuming, withdrawing)."""

from datetime import date, datetime, timedelta

import pghistory
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.choices import CallQueue, CallTaskKind, CallTaskStatus, SurveyTouchpoint
from calls.services.planning import call_task_request, call_tasks_end
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import OPEN_STATES, CancellationRequest
from cancellations.services.common import _answer, _lock, _requests
from cancellations.webhook_events import cancellation_cancelled_emit
from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.fsm import transition_run
from core.models import AuditEntry
from core.permissions import can_handle_request
from core.services.audit import audit_record
from customers.quote import QuoteTerms, cancellation_quote
from customers.services.contracts import contract_cancel

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
        cancellation_cancelled_emit(request=request)
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


# ---- ended outside the desk ------------------------------------------------------------------

_ENDED_CHUNK = 5_000


def requests_withdraw_for_ended_contracts(*, contract_ids: list[int], reason: str) -> int:
    """Billing closed these contracts (cancelled or ended outside the desk): each open
    cancellation request on them is withdrawn, by the system (no user) with `reason` as the
    note, rather than left waiting for a call with nothing left to decide. An offer waiting
    for a supervisor has its approval request withdrawn (it leaves the queue), one waiting
    for the customer is left unanswered, and the calls planned for the request end (a
    promised callback included), except one an agent is on at this moment. Returns how many
    requests were withdrawn. Call inside the transaction that closed the contracts."""
    withdrawn = 0
    with transaction.atomic(), pghistory.context(closed_by="book_sync"):
        for start in range(0, len(contract_ids), _ENDED_CHUNK):
            requests = (
                _requests()
                .select_for_update(of=("self",))
                .filter(
                    contract_id__in=contract_ids[start : start + _ENDED_CHUNK],
                    state__in=OPEN_STATES,
                )
                .order_by("pk")
            )
            for request in requests:
                pending, source = request.current_presentation, request.state
                # No user may take this step on the system's behalf, so the transition runs
                # without transition_run's permission check (the state is open: it may).
                request.withdraw()
                request.save()
                if pending is not None and pending.answer == PresentationAnswer.AWAITING_APPROVAL:
                    _answer(pending, PresentationAnswer.APPROVAL_WITHDRAWN, reason)
                elif pending is not None and pending.answer == PresentationAnswer.PENDING:
                    _answer(pending, PresentationAnswer.ABANDONED, reason)
                call_tasks_end(cancellation_request_id=request.pk, taken_too=False)
                audit_record(
                    subject=request,
                    action=AuditAction.WITHDRAW,
                    source=source,
                    target=request.state,
                    user=None,
                    note=reason,
                    data={"by": "book_sync"},
                )
                withdrawn += 1
    return withdrawn
