"""Shared by the call tests: racing threads on connections of their own, waiting for the
worker, and building calls and departed customers with the real services."""

import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from retention.choices import CallTaskKind, ContractStatus
from retention.models import CallTask, Contract, add_months
from retention.services.calls import call_task_request
from tests.factories import ContractFactory, CustomerFactory

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


@dataclass
class Outcome:
    value: object = None
    error: Exception | None = None

    @property
    def won(self) -> bool:
        return self.error is None


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _wait_until_queued(pids: list[int]) -> None:
    with connection.cursor() as cursor:

        def queued() -> bool:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)",
                [pids],
            )
            return cursor.fetchone()[0] == len(pids)

        wait_for(queued, what=f"backends {pids} to queue on the lock")


def race(*calls: Callable[[], object], hold: QuerySet | None = None) -> list[Outcome]:
    """Run each call in a thread of its own on a database connection of its own; they meet
    at a barrier and go together. With `hold`, this thread keeps those rows locked until
    every call is queued behind the lock, so the calls truly collide."""
    barrier = threading.Barrier(len(calls) + 1, timeout=SECONDS)
    pids = [0] * len(calls)
    outcomes = [Outcome() for _ in calls]

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            pids[index] = _backend_pid()
            barrier.wait()
            outcomes[index].value = call()
        except Exception as error:
            outcomes[index].error = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    try:
        with transaction.atomic() if hold is not None else nullcontext():
            if hold is not None:
                assert list(hold.select_for_update()), "nothing to hold"
            for thread in threads:
                thread.start()
            barrier.wait()
            if hold is not None:
                _wait_until_queued(pids)
        # leaving the block commits and lets the queue through
    finally:
        for thread in threads:
            thread.join(SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    return outcomes


def the_winner(outcomes: list[Outcome]) -> int:
    winners = [index for index, outcome in enumerate(outcomes) if outcome.won]
    assert len(winners) == 1, [outcome.error for outcome in outcomes]
    return winners[0]


# ---- building calls and departed customers ---------------------------------------------------


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
