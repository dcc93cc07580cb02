"""Thin Celery tasks: take ids, call a service. Retries and idempotency live in the
services; tasks acknowledge late and are redelivered if a worker dies mid-way."""

from celery import shared_task

from core.services.submissions import submissions_purge

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(**RELIABLE)
def submissions_purge_task() -> int:
    """Beat, daily: forget the one-time keys of forms sent days ago."""
    return submissions_purge()
