"""Shared by the call tests: racing threads on connections of their own, waiting for the
worker, and building calls and departed customers with the real services."""

import time
from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from calls.choices import CallTaskKind
from calls.models import CallTask
from calls.services.planning import call_task_request
from core.dates import add_months
from customers.choices import ContractStatus
from customers.models import Contract
from tests.concurrency import Outcome, race, the_winner
from tests.factories import ContractFactory, CustomerFactory

__all__ = ["Outcome", "departed", "plan_call", "race", "the_winner", "wait_for"]

SECONDS = 10  # the longest any wait may take; a healthy step takes milliseconds


def wait_for(predicate: Callable[[], object], *, what: str, timeout: float = SECONDS):
    """Poll until `predicate()` is true (the worker runs in a thread of its own)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


# ---- racing threads --------------------------------------------------------------------------


def plan_call(
    customer,
    *,
    due_at=None,
    kind: str = CallTaskKind.SAVE_FOLLOW_UP,
    key: str | None = None,
    **extra,
) -> CallTask:
    """A call planned through the real service (idempotent on its key)."""
    due_at = due_at or timezone.now() - timedelta(minutes=1)
    key = key or f"test:{kind}:{customer.pk}:{due_at.isoformat()}"
    return call_task_request(
        kind=kind, customer_id=customer.pk, due_at=due_at, idempotency_key=key, **extra
    )


def departed(
    *,
    monthly_fee: int,
    months: int,
    lifetime_revenue: int = 0,
    days_ago: int = 60,
    do_not_call: bool = False,
    today: date | None = None,
    extra_days: int = 0,
) -> Contract:
    """A customer whose contract was cancelled `days_ago` days ago after `months` whole
    months (plus `extra_days`, short of another month) at `monthly_fee`."""
    today = today or timezone.localdate()
    cancelled_on = today - timedelta(days=days_ago)
    start = add_months(cancelled_on, -months) - timedelta(days=extra_days)
    customer = CustomerFactory(lifetime_revenue=lifetime_revenue, do_not_call=do_not_call)
    return ContractFactory(
        customer=customer,
        start_date=start,
        monthly_fee=monthly_fee,
        status=ContractStatus.CANCELLED,
        cancelled_on=cancelled_on,
    )
