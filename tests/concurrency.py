"""Racing real threads against the real database, for the "nothing lost" tests.

Each call runs in a thread with its own PostgreSQL connection. With `hold`, the test thread
keeps the contested rows locked until every call is queued behind the lock (seen in
`pg_locks`), so the calls truly collide instead of one finishing before the next starts.
"""

import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet

SECONDS = 10  # the most any thread may wait for another; a healthy race takes milliseconds


@dataclass
class Outcome:
    value: object = None
    error: Exception | None = None

    @property
    def won(self) -> bool:
        return self.error is None


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def wait_until_queued(pids: list[int]) -> None:
    """Return once every backend in `pids` is waiting for a lock."""
    deadline = time.monotonic() + SECONDS
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted AND pid = ANY(%s)",
                [pids],
            )
            if cursor.fetchone()[0] == len(pids):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"backends {pids} never all queued on the lock")
            time.sleep(0.005)


def race(
    *calls: Callable[[], object], hold: QuerySet | None = None, in_order: bool = False
) -> list[Outcome]:
    """Run each call in a thread of its own, on a database connection of its own.

    The threads connect, meet at a barrier and go together. With `hold`, this thread keeps
    those rows locked (`SELECT ... FOR UPDATE`) until every call is queued behind the lock,
    so the calls truly collide instead of one finishing before the next has started. With
    `in_order`, they join the queue one after another in the order given; PostgreSQL grants
    a row lock first come, first served, so the first call wins.
    """
    assert hold is not None or not in_order, "an order needs a lock to queue on"
    barrier = threading.Barrier(len(calls) + 1, timeout=SECONDS)
    go = [threading.Event() for _ in calls]
    pids: list[int] = [0] * len(calls)
    outcomes = [Outcome() for _ in calls]

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            pids[index] = backend_pid()
            barrier.wait()
            if in_order and not go[index].wait(SECONDS):
                raise TimeoutError("this thread's turn never came")
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
            if in_order:
                for index, event in enumerate(go):
                    event.set()
                    wait_until_queued(pids[: index + 1])
            elif hold is not None:
                wait_until_queued(pids)
        # leaving the block commits and lets the queue through
    finally:
        for event in go:
            event.set()
        for thread in threads:
            thread.join(SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is still running"
    return outcomes


def the_winner(outcomes: list[Outcome]) -> int:
    winners = [index for index, outcome in enumerate(outcomes) if outcome.won]
    assert len(winners) == 1, [outcome.error for outcome in outcomes]
    return winners[0]
