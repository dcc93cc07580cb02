"""The real Celery worker on the real Redis broker, in a thread of the test's process, and
the broker made unreachable."""

import contextlib

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from calls.tasks import call_task_prepare_task
from config.celery_app import app as celery_app
from tests.calls.helpers import wait_for

DEAD_BROKER = "redis://127.0.0.1:1/0"


SENTINEL = 0  # a call id that never exists: preparing it does nothing


# ---- the broker and the worker ---------------------------------------------------------------


def _reset_producers() -> None:
    """Forget the pooled broker connections, so the next publish connects to the URL now
    configured (the app is configured once, at import). The pools stay in kombu's registry,
    keyed by URL: the real one is picked up again, open, when the URL is restored."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_unreachable():
    """Redis is down for the web tier: every publish fails as it would in production."""
    real = celery_app.conf.broker_url
    celery_app.conf.broker_url = DEAD_BROKER
    _reset_producers()
    try:
        yield
    finally:
        celery_app.conf.broker_url = real
        _reset_producers()


class PrepareRuns:
    """Every run of `call_task_prepare_task` the worker finishes: (call id, final state)."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, str]] = []

    def record(self, sender=None, task=None, args=None, state=None, **kwargs) -> None:
        if task is not None and task.name == call_task_prepare_task.name:
            self.runs.append((args[0], state))

    def of(self, call_id: int) -> list[str]:
        return [state for run_id, state in self.runs if run_id == call_id]

    def drain(self) -> None:
        """Return once the worker has run everything enqueued so far: one solo worker takes
        the queue in order, so once a marker sent last has run, so has all before it."""
        before = len(self.of(SENTINEL))
        call_task_prepare_task.delay(SENTINEL)
        wait_for(lambda: len(self.of(SENTINEL)) > before, what="the worker to reach the marker")


@contextlib.contextmanager
def running_worker():
    """A real worker in a thread of this process, on the real Redis broker (its database
    connections close after each task). Only in transactional tests: starting it closes
    this thread's connection too."""
    runs = PrepareRuns()
    task_postrun.connect(runs.record, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield runs
    finally:
        task_postrun.disconnect(runs.record)
