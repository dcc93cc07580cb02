"""Thin Celery tasks: take ids, call a service. Retries and idempotency live in the
services; tasks acknowledge late and are redelivered if a worker dies mid-way."""

from celery import shared_task
from django.db import OperationalError

from retention.services.calls import call_task_prepare, call_tasks_dispatch_due
from retention.services.catalog import scheduled_changes_apply
from retention.services.facts import facts_refresh
from retention.services.submissions import submissions_purge
from retention.services.winback import win_back_consider

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(**RELIABLE)
def call_tasks_dispatch_task() -> int:
    """Beat, every minute: move due calls to `due` and enqueue their preparation."""
    return len(call_tasks_dispatch_due())


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    **RELIABLE,
)
def call_task_prepare_task(self, call_task_id: int) -> None:
    call_task_prepare(call_task_id=call_task_id)


@shared_task(**RELIABLE)
def win_back_daily_task() -> dict:
    """Beat, daily: consider the customers who left, segment them, plan the calls."""
    return win_back_consider()


@shared_task(**RELIABLE)
def facts_refresh_task(full: bool = False) -> dict:
    """Beat, every 2 minutes (and nightly in full): copy newly closed requests and claims
    into the reporting facts. Idempotent: a retry or an overlapping run adds nothing twice."""
    return facts_refresh(full=full)


@shared_task(**RELIABLE)
def scheduled_changes_apply_task() -> int:
    """Beat, every minute: apply the product changes whose day has come. Each is applied
    once (locked row, marked applied in the same transaction)."""
    return scheduled_changes_apply()


@shared_task(**RELIABLE)
def submissions_purge_task() -> int:
    """Beat, daily: forget the one-time keys of forms sent days ago."""
    return submissions_purge()
