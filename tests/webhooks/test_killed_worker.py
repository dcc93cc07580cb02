"""A real Celery worker (its own process, on the real broker and the test database) killed
with SIGKILL while the receiver is still answering: the delivery stays pending, and once
its lease has run out the next sweep sends it again, under the same webhook-id, and the
rest of the contract's line follows in order. Nothing is lost."""

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from config.celery_app import app as celery_app
from tests.webhooks.helpers import SECONDS, wait_for
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, DeliveryAttempt
from webhooks.services.delivery import deliveries_due, deliveries_sweep
from webhooks.services.events import event_emit

ROOT = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).parent / "celery"
LEASE_SECONDS = 3


def _database_url() -> str:
    """The test database, as pytest-django made it, for the worker's process."""
    db = connection.settings_dict
    host = db["HOST"] or ""
    where = f"@/{host}" if host.startswith("/") else f"@{host}:{db['PORT'] or 5432}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}{where}/{db['NAME']}"


def _worker() -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "WEBHOOKS_TIMEOUT_SECONDS": str(SECONDS),
        "WEBHOOKS_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    command = [str(CELERY), "-A", "config", "worker", "-c", "1", "-l", "warning"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL
    )


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=SECONDS)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing(receiver, endpoint, broker):
    receiver.hold = threading.Event()  # the receiver takes its time with the first request
    worker = _worker()
    try:
        with transaction.atomic():
            events = [
                event_emit(
                    type=EventType.CONTRACT_AMENDED,
                    data={"contract": {"id": 7}, "n": n},
                    ordering_key="contract:7",
                )
                for n in range(3)
            ]
        first = Delivery.objects.get(event=events[0])

        assert receiver.arrived.wait(SECONDS), "the worker never sent the first event"
        _kill(worker)  # mid-delivery: the receiver has the request, the worker is gone
        receiver.hold.set()

        first.refresh_from_db()
        assert (first.status, first.attempts) == (DeliveryStatus.PENDING, 1)
        assert not DeliveryAttempt.objects.filter(delivery=first).exists()
        assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 0

        worker = _worker()  # started again (as the stack's supervisor does)
        wait_for(
            lambda: deliveries_due().filter(pk=first.pk).exists(),
            what="the dead worker's lease to run out",
        )
        # Beat's sweep: the broker's copy of the message went with the worker.
        later = timezone.now() + timedelta(minutes=settings.WEBHOOKS_REQUEUE_MINUTES)
        assert deliveries_sweep(now=later) == [first.pk]
        delivered = Delivery.objects.filter(status=DeliveryStatus.DELIVERED)
        wait_for(lambda: delivered.count() == 3, what="every event delivered")
    finally:
        _kill(worker)
        celery_app.control.purge()

    ids = [event.webhook_id for event in events]
    ok = receiver.ids(ok_only=True)
    assert ok[0] == ok[1] == ids[0]  # the killed attempt reached it, and the retry again
    assert ok[2:] == ids[1:]  # then the rest of the line, in order, each once
    first.refresh_from_db()
    assert (first.status, first.attempts) == (DeliveryStatus.DELIVERED, 2)
