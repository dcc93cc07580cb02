"""Fixtures for webhooks out: a real HTTP receiver on a local port, endpoints made through
the real services, a webhook admin to be told, a stopped clock, and the real Celery worker
on the real Redis broker."""

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.utils import timezone
from pytest_httpserver import HTTPServer

from accounts.roles import Role
from config.celery_app import app as celery_app
from tests.factories import UserFactory
from tests.webhooks.helpers import AttemptRuns, Receiver
from webhooks.services.endpoints import endpoint_create


@pytest.fixture
def receiver():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    receiving = Receiver(server=server)
    server.expect_request("/hooks", method="POST").respond_with_handler(receiving.handle)
    try:
        yield receiving
    finally:
        if server.is_running():
            server.stop()


# ---- people and endpoints ----------------------------------------------------------------------


@pytest.fixture
def webhook_admin(db):
    """A catalog admin (the role that manages webhooks), with an email to be told at."""
    return UserFactory(
        username="catalog-yoon", role=Role.CATALOG_ADMIN, email="ops@example.com", language="en"
    )


@pytest.fixture
def make_endpoint(webhook_admin, receiver):
    """make_endpoint(event_types=[...]) → (endpoint, secret), to the receiver by default."""

    def _make(*, event_types=(), url: str | None = None, name: str = "CRM"):
        made = endpoint_create(
            user=webhook_admin,
            name=name,
            url=url or receiver.url,
            event_types=list(event_types),
        )
        return made.endpoint, made.secret

    return _make


@pytest.fixture
def endpoint(make_endpoint):
    """An endpoint for every event type, to the receiver: (endpoint, its secret)."""
    return make_endpoint()


@pytest.fixture
def clock():
    """Time stands still until the test moves it (`clock.shift(...)`)."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def broker():
    """The real Redis broker, emptied before and after."""
    celery_app.control.purge()
    yield
    celery_app.control.purge()


@pytest.fixture
def worker(broker, transactional_db):
    """A real worker in a thread of this process (solo pool), and what it ran."""
    runs = AttemptRuns()
    task_postrun.connect(runs.record, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield runs
    finally:
        task_postrun.disconnect(runs.record)
