"""An agent's side of a call: take it (one agent only), make it, log what happened.

Taking is one conditional UPDATE (the `take` transition for the one row that is still free),
so of two agents clicking at once exactly one gets the call. An outcome runs on the locked
row: another attempt later with a growing wait, or done; a customer who asks not to be
called is never called again by anyone. A workflow that cares about an outcome (a win-back)
wraps these services in its own, in the same transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus
from calls.models import WAITING, CallTask
from calls.services.dispatch import call_task_prepare
from calls.services.planning import call_tasks_end
from calls.webhook_events import call_completed_emit, customer_do_not_call_emit
from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.services.audit import audit_record
from customers.models import Customer

RETRY_OUTCOMES = {CallOutcome.NO_ANSWER, CallOutcome.BUSY}
AGENT_OUTCOMES = {
    CallOutcome.REACHED,
    CallOutcome.NO_ANSWER,
    CallOutcome.BUSY,
    CallOutcome.WRONG_NUMBER,
    CallOutcome.DO_NOT_CALL,
}


def call_task_claim(*, call_task_id: int, user, early: bool = False) -> CallTask:
    """Take a due call, so two agents never call the same customer. `early`: the agent
    confirmed taking a call before it is due (a customer asked to be called back sooner);
    recorded as such."""
    if not user.has_perm("customers.handle_calls"):
        raise NotPermitted(_("Only agents and supervisors make calls."))
    now = timezone.now()
    due = Q() if early else Q(due_at__lte=now)
    taken = (
        CallTask.objects.filter(due, pk=call_task_id, status__in=WAITING)
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
        early = early and task.due_at > now
        data = {"early": True, "due_at": task.due_at.isoformat()} if early else None
        audit_record(
            subject=task, action=AuditAction.TAKE_CALL, target=task.status, user=user, data=data
        )
    if task.prepared_at is None:
        # Taken before beat dispatched it: get it ready now (survey link, consent check).
        task = call_task_prepare(call_task_id=task.pk)
        if task.status == CallTaskStatus.CANCELLED:
            raise ServiceError(_("The customer asked not to be called."), code="do_not_call")
    return task


def call_task_lock_mine(*, call_task_id: int, user) -> CallTask:
    """The call `user` has taken, locked for the transaction (else a refusal)."""
    task = (
        CallTask.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=call_task_id)
        .first()
    )
    if task is None:
        raise ServiceError(_("That call does not exist."), code="not_found")
    if task.status != CallTaskStatus.IN_PROGRESS or task.assignee_id != user.pk:
        raise NotPermitted(_("Take the call before logging its outcome."), code="not_taken")
    return task


def call_task_complete(*, task: CallTask, user, outcome: str, result: str = "") -> None:
    """Close a taken call with `outcome` (called under its lock, by the outcome services of
    this app and of the workflows that wrap them). Audited."""
    task.attempts += 1
    task.result = result.strip()
    task.complete(outcome)
    task.save()
    _audit_outcome(task, user)
    call_completed_emit(task=task)


def _audit_outcome(task: CallTask, user) -> None:
    audit_record(
        subject=task,
        action=AuditAction.CALL_OUTCOME,
        source=CallTaskStatus.IN_PROGRESS,
        target=task.status,
        user=user,
        note=task.result,
        data={"outcome": task.outcome, "attempts": task.attempts},
    )


def call_task_log_outcome(*, call_task_id: int, user, outcome: str, result: str = "") -> CallTask:
    """Close the attempt. No answer or busy: tried again later with a growing wait, until the
    attempts run out (then unreachable). Do-not-call: the customer's wish is recorded and
    every other planned call to them ends. A win-back call is refused here: its outcome
    also closes its case, so `winback.services` logs it (with `call_task_outcome_apply`)."""
    with transaction.atomic():
        task = call_task_lock_mine(call_task_id=call_task_id, user=user)
        if task.kind == CallTaskKind.WIN_BACK:
            raise ServiceError(
                _("A win-back call's outcome is recorded on the win-back form."), code="win_back"
            )
        return call_task_outcome_apply(task=task, user=user, outcome=outcome, result=result)


def call_task_outcome_apply(*, task: CallTask, user, outcome: str, result: str = "") -> CallTask:
    """The outcome on `task`, taken by `user` and locked by the caller (this app's service,
    or a workflow's that wraps it)."""
    if outcome not in AGENT_OUTCOMES:
        raise ServiceError(_("Choose what happened on the call."), code="outcome")
    if task.kind == CallTaskKind.WIN_BACK and outcome == CallOutcome.REACHED:
        raise ServiceError(
            _("On a win-back call, record whether the customer came back or declined."),
            code="outcome",
        )
    if outcome in RETRY_OUTCOMES and task.attempts + 1 < settings.CALLS_MAX_ATTEMPTS:
        task.attempts += 1
        task.outcome, task.result = outcome, result.strip()
        waits = settings.CALLS_RETRY_MINUTES
        backoff = waits[min(task.attempts - 1, len(waits) - 1)]
        task.try_again_later(
            timezone.now() + timedelta(minutes=backoff),
            # back to the queue for whoever is free
            back_to_queue=task.queue != CallQueue.AGENTS or task.kind == CallTaskKind.WIN_BACK,
        )
        task.save()
        _audit_outcome(task, user)
    else:
        final = CallOutcome.UNREACHABLE if outcome in RETRY_OUTCOMES else outcome
        call_task_complete(task=task, user=user, outcome=final, result=result)
    if outcome == CallOutcome.DO_NOT_CALL:
        Customer.objects.filter(pk=task.customer_id).update(do_not_call=True)
        customer_do_not_call_emit(task=task)
        call_tasks_end(customer_id=task.customer_id)
    return task
