"""Shared by the webhook tests: a real HTTP receiver that records and verifies what it
gets, sending what is due in this process (as the worker would), waiting for the worker,
and the broker made unreachable."""

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pytest_httpserver import HTTPServer
from standardwebhooks import Webhook, WebhookVerificationError
from werkzeug import Request, Response

from config.celery_app import app as celery_app
from webhooks.services.delivery import deliveries_due, delivery_attempt
from webhooks.tasks import delivery_attempt_task

SECONDS = 20  # the longest any wait may take; a healthy step takes milliseconds
SENTINEL = 0  # a delivery id that never exists: attempting it does nothing


def wait_for(predicate: Callable[[], object], *, what: str, timeout: float = SECONDS):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


# ---- the receiver ------------------------------------------------------------------------------


@dataclass
class Received:
    """One request as the receiver saw it, and what it answered."""

    webhook_id: str
    timestamp: str
    signature: str
    body: bytes
    status: int
    headers: dict

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    def verifies_with(self, secret: str) -> bool:
        try:
            Webhook(secret).verify(self.body, self.headers)
        except WebhookVerificationError:
            return False
        return True


@dataclass
class Receiver:
    """A real HTTP server on 127.0.0.1 that records every POST. `answers` are the status
    codes it gives, in turn (then `then` for ever); `down()` stops it (connections are
    refused) and `up()` starts it again on the same port; `hold` makes a request wait
    until it is set (a receiver that is slow to answer)."""

    server: HTTPServer
    answers: list[int] = field(default_factory=list)
    then: int = 200
    hold: threading.Event | None = None
    refuse: set[str] = field(default_factory=set)  # webhook-ids always answered 503
    got: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return self.server.url_for("/hooks")

    def handle(self, request: Request) -> Response:
        self.arrived.set()
        if self.hold is not None:
            self.hold.wait(SECONDS)
        webhook_id = request.headers.get("webhook-id", "")
        if webhook_id in self.refuse:
            status = 503
        else:
            status = self.answers.pop(0) if self.answers else self.then
        body = request.get_data()
        self.got.append(
            Received(
                webhook_id=webhook_id,
                timestamp=request.headers.get("webhook-timestamp", ""),
                signature=request.headers.get("webhook-signature", ""),
                body=body,
                status=status,
                headers=dict(request.headers),
            )
        )
        return Response("ok" if status < 300 else "receiver trouble", status=status)

    def down(self) -> None:
        self.server.stop()

    def up(self) -> None:
        self.server.start()

    def ids(self, *, ok_only: bool = False) -> list[str]:
        return [r.webhook_id for r in self.got if not ok_only or 200 <= r.status < 300]


def send_due(limit: int = 500) -> list[str]:
    """What the worker does, in this process: attempt every delivery that is due now, and
    again what became due meanwhile (the next of a line), until nothing is. Returns the
    outcome of each attempt."""
    outcomes = []
    for _ in range(limit):
        due = list(deliveries_due().values_list("pk", flat=True)[:50])
        if not due:
            return outcomes
        outcomes += [delivery_attempt(delivery_id=pk) for pk in due]
    raise AssertionError("deliveries kept coming due")


# ---- the real worker ---------------------------------------------------------------------------


class AttemptRuns:
    """Every run of `delivery_attempt_task` the worker finished: (delivery id, state)."""

    def __init__(self) -> None:
        self.runs: list[tuple[int, str]] = []

    def record(self, sender=None, task=None, args=None, state=None, **kwargs) -> None:
        if task is not None and task.name == delivery_attempt_task.name:
            self.runs.append((args[0], state))

    def of(self, delivery_id: int) -> list[str]:
        return [state for run_id, state in self.runs if run_id == delivery_id]

    def drain(self) -> None:
        """Return once the worker ran everything enqueued so far (one solo worker takes the
        queue in order: once a marker sent last has run, so has everything before it)."""
        before = len(self.of(SENTINEL))
        delivery_attempt_task.delay(SENTINEL)
        wait_for(lambda: len(self.of(SENTINEL)) > before, what="the worker to reach the marker")


@contextlib.contextmanager
def broker_unreachable():
    """Redis is down for the web tier: every publish fails as it would in production."""
    real = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        celery_app.conf.broker_url = real
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
