from datetime import datetime

from retention.choices import CallQueue, CallTaskKind
from retention.models import CallTask


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
    notes: str = "",
) -> CallTask:
    """Plan a call. Idempotent: the same key returns the call already planned, so a retried
    transition or task never plans it twice. Never an ETA in the broker: beat dispatches
    rows whose time has come."""
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
            "notes": notes,
        },
    )
    return task
