"""Reads for the screens: permission-aware, with a fixed number of queries per page."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from calls.choices import CallOutcome, CallQueue, CallTaskStatus
from calls.models import CallTask
from catalog.scripts import script_for


def _queues_for(user) -> list[str]:

    queues = []
    if user.has_perm("customers.handle_calls"):
        queues.append(CallQueue.AGENTS)
    if user.has_perm("calls.work_specialist_queue"):
        queues.append(CallQueue.SPECIALISTS)
    if user.has_perm("cancellations.approve_offers"):
        queues.append(CallQueue.SUPERVISORS)
    return queues


def call_tasks_for_user(*, user, now=None) -> dict:
    """My calls: assigned to me, or waiting in a queue I work; overdue and due first, then
    today, then later (2 queries, at most 300 rows)."""

    if not user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    now = now or timezone.now()
    tasks = list(
        CallTask.objects.filter(
            status__in=[CallTaskStatus.SCHEDULED, CallTaskStatus.DUE, CallTaskStatus.IN_PROGRESS]
        )
        .filter(Q(assignee=user) | Q(assignee__isnull=True, queue__in=_queues_for(user)))
        .select_related("customer", "assignee")
        .order_by("due_at", "-priority")[:300]
    )
    end_of_today = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    return {
        "in_progress": [t for t in tasks if t.status == CallTaskStatus.IN_PROGRESS],
        "due": [t for t in tasks if t.status != CallTaskStatus.IN_PROGRESS and t.due_at <= now],
        "today": [t for t in tasks if now < t.due_at <= end_of_today],
        "later": [t for t in tasks if t.due_at > end_of_today],
        "now": now,
    }


def call_task_for_user_or_404(*, user, pk) -> CallTask:
    if not user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    try:
        task = CallTask.objects.select_related(
            "customer",
            "contract__product",
            "assignee",
            "cancellation_request__reason",
            "claim",
            "win_back__original_reason",
            "win_back__contract__product",
        ).get(pk=int(pk))
    except (CallTask.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if task.assignee_id not in (None, user.pk) and not user.has_perm(
        "cancellations.approve_offers"
    ):
        raise PermissionDenied
    if task.assignee_id is None and task.queue not in _queues_for(user):
        raise PermissionDenied
    return task


def call_screen_data(*, task: CallTask, user) -> dict:
    """What the agent needs on any call: the script, the outcomes to log. (A win-back adds
    its own part: `winback.selectors.win_back_screen_data`.)"""
    data = {
        "task": task,
        "script": script_for(task.kind),
        "outcomes": [
            (o.value, o.label)
            for o in (
                CallOutcome.REACHED,
                CallOutcome.NO_ANSWER,
                CallOutcome.BUSY,
                CallOutcome.WRONG_NUMBER,
                CallOutcome.DO_NOT_CALL,
            )
        ],
        "mine": task.assignee_id == user.pk and task.status == "in_progress",
        "show_pii": user.has_perm("customers.view_customer_pii"),
    }
    return data
