"""Thin Celery tasks: take ids, call a service. Retries and idempotency live in the
services; tasks acknowledge late and are redelivered if a worker dies mid-way."""

from celery import shared_task

from catalog.services.scheduled import scheduled_changes_apply
from core.tasks import RELIABLE


@shared_task(**RELIABLE)
def scheduled_changes_apply_task() -> int:
    """Beat, every minute: apply the product changes whose day has come. Each is applied
    once (locked row, marked applied in the same transaction)."""
    return scheduled_changes_apply()
