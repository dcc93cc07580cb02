"""Thin Celery tasks: take ids, call a service. Retries and idempotency live in the
services; tasks acknowledge late and are redelivered if a worker dies mid-way."""

from celery import shared_task
from django.db import OperationalError

from core.tasks import RELIABLE
from webhooks.services.delivery import deliveries_sweep, delivery_attempt


@shared_task(**RELIABLE)
def deliveries_sweep_task() -> int:
    """Beat, every minute: enqueue the deliveries that are due."""
    return len(deliveries_sweep())


@shared_task(
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    **RELIABLE,
)
def delivery_attempt_task(self, delivery_id: int) -> str:
    return delivery_attempt(delivery_id=delivery_id)
