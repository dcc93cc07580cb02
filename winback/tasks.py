"""Thin Celery tasks: take ids, call a service. Retries and idempotency live in the
services; tasks acknowledge late and are redelivered if a worker dies mid-way."""

from celery import shared_task

from core.tasks import RELIABLE
from winback.services.winback import win_back_consider


@shared_task(**RELIABLE)
def win_back_daily_task() -> dict:
    """Beat, daily: consider the customers who left, segment them, plan the calls."""
    return win_back_consider()
