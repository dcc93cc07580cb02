"""Thin Celery tasks: take ids, call a service. Retries and idempotency live in the
services; tasks acknowledge late and are redelivered if a worker dies mid-way."""

from celery import shared_task

from core.tasks import RELIABLE
from reporting.services.facts import facts_refresh


@shared_task(**RELIABLE)
def facts_refresh_task(full: bool = False) -> dict:
    """Beat, every 2 minutes (and nightly in full): copy newly closed requests and claims
    into the reporting facts. Idempotent: a retry or an overlapping run adds nothing twice."""
    return facts_refresh(full=full)
