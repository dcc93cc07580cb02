"""Thin Celery tasks: take ids, call a service. Retries and idempotency live in the
services; tasks acknowledge late and are redelivered if a worker dies mid-way."""

from celery import shared_task
from django.db import OperationalError

from calls.services.dispatch import call_task_prepare, call_tasks_dispatch_due
from core.tasks import RELIABLE


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
