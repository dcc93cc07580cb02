"""Planning calls and ending them: the only ways the other apps create or close a call.

Calls due weeks ahead are never Celery countdowns: the row's `due_at` is the truth, and beat
dispatches what is due (`calls.services.dispatch`). Every workflow plans its calls here, with
an idempotency key, and ends the ones it no longer needs here, in one guarded UPDATE.
"""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from calls.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus, SurveyTouchpoint
from calls.models import OPEN, WAITING, CallTask
from core.updates import FLOOR_KEY, updates_bump
from customers.models import Customer


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
    touchpoint: SurveyTouchpoint | str = "",
    priority: int = 0,
    notes: str = "",
) -> CallTask:
    """Plan a call. Idempotent: the same key returns the call already planned, so a retried
    transition or task never plans it twice. A customer who asked not to be called gets the
    row (the plan is recorded) already cancelled. `touchpoint`: for a survey call, which
    moment the survey is about."""
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
            "touchpoint": touchpoint,
            "priority": priority,
            "notes": notes,
            "status": CallTaskStatus.CANCELLED if do_not_call else CallTaskStatus.SCHEDULED,
            "outcome": CallOutcome.DO_NOT_CALL if do_not_call else "",
        },
    )
    if _created:
        updates_bump([FLOOR_KEY])  # the floor counts the calls waiting per queue
    return task


def call_tasks_end(
    *,
    customer_id: int | None = None,
    contract_id: int | None = None,
    cancellation_request_id: int | None = None,
    claim_id: int | None = None,
    kinds: list[str] | None = None,
    taken_too: bool = True,
    status: str = CallTaskStatus.CANCELLED,
) -> int:
    """End the open calls of a customer, contract, request or claim (all, or of these
    `kinds`) in one guarded UPDATE: the `cancel` transition for many rows. `taken_too`: also
    calls an agent has taken; `status`: DONE for calls whose purpose was met another way (a
    promised callback the customer made themselves)."""
    where = {
        "customer_id": customer_id,
        "contract_id": contract_id,
        "cancellation_request_id": cancellation_request_id,
        "claim_id": claim_id,
    }
    where = {name: value for name, value in where.items() if value is not None}
    assert where, "say whose calls end"
    if status not in (CallTaskStatus.CANCELLED, CallTaskStatus.DONE):
        raise ValueError(status)
    calls = CallTask.objects.filter(Q(**where), status__in=OPEN if taken_too else WAITING)
    if kinds:
        calls = calls.filter(kind__in=kinds)
    return calls.update(status=status, updated_at=timezone.now())
