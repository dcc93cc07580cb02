"""Planned calls: created as rows by the other flows, dispatched by beat when due, taken by
one agent at a time, and closed with an outcome that feeds back (retries, consent).

Calls due weeks ahead are never Celery countdowns: the row's `due_at` is the truth and the
beat task `call_tasks_dispatch_task` moves what is due. Every step is idempotent.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus
from calls.models import CallTask
from core.errors import NotPermitted, ServiceError
from customers.models import Customer

log = logging.getLogger(__name__)
OPEN = [CallTaskStatus.SCHEDULED, CallTaskStatus.DUE, CallTaskStatus.IN_PROGRESS]
RETRY_OUTCOMES = {CallOutcome.NO_ANSWER, CallOutcome.BUSY}
AGENT_OUTCOMES = {
    CallOutcome.REACHED,
    CallOutcome.NO_ANSWER,
    CallOutcome.BUSY,
    CallOutcome.WRONG_NUMBER,
    CallOutcome.DO_NOT_CALL,
}


def call_task_request(
    *,
    kind: CallTaskKind,
    customer_id: int,
    due_at: datetime,
    idempotency_key: str,
    queue: CallQueue = CallQueue.AGENTS,
    assignee_id: int | None = None,
    contract_id: int | None = None,
    cancellation_request_id: int | None = None,
    claim_id: int | None = None,
    win_back_id: int | None = None,
    priority: int = 0,
    notes: str = "",
) -> CallTask:
    """Plan a call. Idempotent: the same key returns the call already planned, so a retried
    transition or task never plans it twice. A customer who asked not to be called gets the
    row (the plan is recorded) already cancelled."""
    do_not_call = Customer.objects.filter(pk=customer_id, do_not_call=True).exists()
    task, _created = CallTask.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "kind": kind,
            "customer_id": customer_id,
            "due_at": due_at,
            "queue": queue,
            "assignee_id": assignee_id,
            "contract_id": contract_id,
            "cancellation_request_id": cancellation_request_id,
            "claim_id": claim_id,
            "win_back_id": win_back_id,
            "priority": priority,
            "notes": notes,
            "status": CallTaskStatus.CANCELLED if do_not_call else CallTaskStatus.SCHEDULED,
            "outcome": CallOutcome.DO_NOT_CALL if do_not_call else "",
        },
    )
    return task


def call_tasks_cancel_for_customer(*, customer_id: int, kinds: list[str] | None = None) -> int:
    """End the customer's open calls (all, or of these kinds)."""
    tasks = CallTask.objects.filter(customer_id=customer_id, status__in=OPEN)
    if kinds:
        tasks = tasks.filter(kind__in=kinds)
    return tasks.update(status=CallTaskStatus.CANCELLED, updated_at=timezone.now())


# ---- dispatch (beat, every minute) -----------------------------------------------------------


def call_tasks_dispatch_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Move due rows to `due` and enqueue their preparation once committed. Two dispatchers
    at once never take the same row (`skip_locked`). Rows dispatched earlier whose
    preparation never ran (the broker was down) are enqueued again: preparation is
    idempotent, so nothing happens twice."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            CallTask.objects.filter(status=CallTaskStatus.SCHEDULED, due_at__lte=now)
            .order_by("due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        CallTask.objects.filter(pk__in=due).update(
            status=CallTaskStatus.DUE, dispatched_at=now, updated_at=now
        )
        stranded = list(
            CallTask.objects.filter(
                status=CallTaskStatus.DUE,
                prepared_at__isnull=True,
                dispatched_at__lt=now - timedelta(minutes=settings.CALLS_REDISPATCH_MINUTES),
            )
            .exclude(pk__in=due)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        # Sent again now, and not again before the next grace period: no flood of messages
        # while a worker is away.
        CallTask.objects.filter(pk__in=stranded).update(dispatched_at=now)
        transaction.on_commit(lambda: _enqueue_prepare(due + stranded))
    return due


def _enqueue_prepare(ids: list[int]) -> None:
    from calls.tasks import call_task_prepare_task

    for task_id in ids:
        try:
            call_task_prepare_task.delay(task_id)
        except Exception:  # the broker is down: the next dispatch enqueues it again
            log.warning("could not enqueue preparation of call task %s", task_id)
            return


def call_task_prepare(*, call_task_id: int, now: datetime | None = None) -> CallTask | None:
    """Get a due call ready, once: honour do-not-call, and send the survey invitation for a
    survey call. Safe to run any number of times."""
    from calls.services.surveys import survey_invite_for_call

    now = now or timezone.now()
    with transaction.atomic():
        task = (
            CallTask.objects.select_for_update(of=("self",))
            .select_related("customer")
            .filter(pk=call_task_id)
            .first()
        )
        if task is None or task.prepared_at is not None:
            return task
        if task.status in OPEN and task.customer.do_not_call:
            task.status, task.outcome = CallTaskStatus.CANCELLED, CallOutcome.DO_NOT_CALL
        elif task.kind == CallTaskKind.SURVEY and task.status in OPEN:
            survey_invite_for_call(task=task)
        task.prepared_at = now
        task.save(update_fields=["status", "outcome", "prepared_at", "updated_at"])
    return task


# ---- agents take calls and log outcomes ------------------------------------------------------


def call_task_claim(*, call_task_id: int, user, early: bool = False) -> CallTask:
    """Take a due call, so two agents never call the same customer. One conditional UPDATE:
    of two agents clicking at once, exactly one gets it. `early`: the agent confirmed taking
    a call before it is due (a customer asked to be called back sooner); recorded as such."""
    if not user.has_perm("customers.handle_calls"):
        raise NotPermitted(_("Only agents and supervisors make calls."))
    now = timezone.now()
    due = Q() if early else Q(due_at__lte=now)
    taken = (
        CallTask.objects.filter(due, pk=call_task_id)
        .filter(Q(status=CallTaskStatus.DUE) | Q(status=CallTaskStatus.SCHEDULED))
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
        .update(status=CallTaskStatus.IN_PROGRESS, assignee=user, claimed_at=now, updated_at=now)
    )
    task = CallTask.objects.filter(pk=call_task_id).first()
    if task is None:
        raise ServiceError(_("That call does not exist."), code="not_found")
    if not taken and not (
        task.status == CallTaskStatus.IN_PROGRESS and task.assignee_id == user.pk
    ):
        if task.status in (CallTaskStatus.DONE, CallTaskStatus.CANCELLED):
            raise ServiceError(_("This call is already closed."), code="closed")
        if task.due_at > now:
            raise ServiceError(_("This call is not due yet."), code="not_due")
        raise ServiceError(_("Someone else has taken this call."), code="taken")
    if taken:
        from core.services.audit import audit_record

        early = early and task.due_at > now
        data = {"early": True, "due_at": task.due_at.isoformat()} if early else None
        audit_record(subject=task, action="take_call", target=task.status, user=user, data=data)
    if task.prepared_at is None:
        # Taken before beat dispatched it: get it ready now (survey link, consent check).
        task = call_task_prepare(call_task_id=task.pk)
        if task.status == CallTaskStatus.CANCELLED:
            raise ServiceError(_("The customer asked not to be called."), code="do_not_call")
    return task


def call_task_log_outcome(*, call_task_id: int, user, outcome: str, result: str = "") -> CallTask:
    """Close the attempt. No answer or busy: tried again later with a growing wait, until the
    attempts run out (then unreachable). Do-not-call: the customer's wish is recorded and
    every other planned call to them ends."""
    if outcome not in AGENT_OUTCOMES:
        raise ServiceError(_("Choose what happened on the call."), code="outcome")
    closes_win_back = outcome in (CallOutcome.WRONG_NUMBER, CallOutcome.DO_NOT_CALL)
    now = timezone.now()
    with transaction.atomic():
        task = (
            CallTask.objects.select_for_update(of=("self",))
            .select_related("customer")
            .filter(pk=call_task_id)
            .first()
        )
        if task is None:
            raise ServiceError(_("That call does not exist."), code="not_found")
        if task.status != CallTaskStatus.IN_PROGRESS or task.assignee_id != user.pk:
            raise ServiceError(_("Take the call before logging its outcome."), code="not_taken")
        if task.kind == CallTaskKind.WIN_BACK and outcome == CallOutcome.REACHED:
            raise ServiceError(
                _("On a win-back call, record whether the customer came back or declined."),
                code="outcome",
            )
        task.attempts += 1
        task.outcome, task.result = outcome, result.strip()
        if outcome in RETRY_OUTCOMES and task.attempts < settings.CALLS_MAX_ATTEMPTS:
            backoff = settings.CALLS_RETRY_MINUTES[
                min(task.attempts - 1, len(settings.CALLS_RETRY_MINUTES) - 1)
            ]
            task.status, task.due_at = CallTaskStatus.SCHEDULED, now + timedelta(minutes=backoff)
            task.claimed_at, task.prepared_at, task.dispatched_at = None, None, None
            if task.queue != CallQueue.AGENTS or task.kind == CallTaskKind.WIN_BACK:
                task.assignee = None  # back to the queue for whoever is free
        else:
            task.status = CallTaskStatus.DONE
            if outcome in RETRY_OUTCOMES:
                task.outcome = CallOutcome.UNREACHABLE
        task.save()
        from core.services.audit import audit_record

        audit_record(
            subject=task,
            action="call_outcome",
            source=CallTaskStatus.IN_PROGRESS,
            target=task.status,
            user=user,
            note=task.result,
            data={"outcome": task.outcome, "attempts": task.attempts},
        )
        if outcome == CallOutcome.DO_NOT_CALL:
            Customer.objects.filter(pk=task.customer_id).update(do_not_call=True)
            call_tasks_cancel_for_customer(customer_id=task.customer_id)
        if task.kind == CallTaskKind.WIN_BACK and (
            task.outcome == CallOutcome.UNREACHABLE or closes_win_back
        ):
            from winback.services.winback import win_back_mark_unreachable

            win_back_mark_unreachable(win_back_id=task.win_back_id)
    return task
