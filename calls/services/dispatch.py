"""Beat's side of the calls: every minute, what is due moves to `due` and its preparation
(consent check, survey invitation) is enqueued once the move is committed. The database is
the truth; a lost message is sent again by a later dispatch, and preparing twice does
nothing twice."""

import logging
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from calls.choices import CallOutcome, CallTaskKind, CallTaskStatus
from calls.models import OPEN, CallTask
from calls.services.surveys import survey_invite_for_call
from core.updates import FLOOR_KEY, updates_bump

log = logging.getLogger(__name__)
# Enqueued by name: the task module imports this one.
PREPARE_TASK = "calls.tasks.call_task_prepare_task"


def call_tasks_dispatch_due(*, now: datetime | None = None, limit: int = 5000) -> list[int]:
    """Move due rows to `due` (the `dispatch` transition, for many rows at once) and enqueue
    their preparation once committed. Two dispatchers at once never take the same row
    (`skip_locked`). Rows dispatched earlier whose preparation never ran (the broker was
    down) are enqueued again: preparation is idempotent, so nothing happens twice."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            CallTask.objects.filter(status=CallTaskStatus.SCHEDULED, due_at__lte=now)
            .order_by("due_at")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        CallTask.objects.filter(pk__in=due, status=CallTaskStatus.SCHEDULED).update(
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
    for task_id in ids:
        try:
            current_app.send_task(PREPARE_TASK, args=[task_id])
        except Exception:  # the broker is down: the next dispatch enqueues it again
            log.warning("could not enqueue preparation of call task %s", task_id)
            return


def call_task_prepare(*, call_task_id: int, now: datetime | None = None) -> CallTask | None:
    """Get a due call ready, once: honour do-not-call, and send the survey invitation for a
    survey call. Safe to run any number of times."""
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
            task.cancel(CallOutcome.DO_NOT_CALL)
            updates_bump([FLOOR_KEY])  # one call fewer waiting on the floor
        elif task.kind == CallTaskKind.SURVEY and task.status in OPEN:
            survey_invite_for_call(task=task)
        task.prepared_at = now
        task.save()
    return task
