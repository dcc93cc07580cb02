"""The stack's supervisor (scripts/stack.py) with real processes: a child that dies is
started again after a back-off, stopping stops the restarted one too, and a Celery worker
killed in the middle of its work loses no planned call and prepares none twice."""

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from calls.choices import CallTaskKind
from calls.models import CallTask, Survey
from calls.services.dispatch import call_tasks_dispatch_due
from tests.factories import CustomerFactory
from tests.server.helpers import BIN, ROOT, database_url, wait_until

SPEC = importlib.util.spec_from_file_location("stack", ROOT / "scripts" / "stack.py")
stack = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(stack)

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill(child) -> int:
    pid = child.process.pid
    os.killpg(pid, signal.SIGKILL)
    child.process.wait()
    return pid


def _until_restarted(child, restarts: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while child.restarts < restarts or child.process.poll() is not None:
        assert time.monotonic() < deadline, "the child was not started again"
        child.check()
        time.sleep(0.05)


def test_a_child_that_dies_is_started_again_with_a_growing_back_off(capsys):
    child = stack.Child("sleeper", SLEEPER, dict(os.environ))
    child.start()
    try:
        first = _kill(child)
        _until_restarted(child, 1)
        assert child.process.pid != first and _alive(child.process.pid)
        assert child.backoff == 2 * stack.BACKOFF_FIRST  # the next death waits longer
        _kill(child)
        started = time.monotonic()
        _until_restarted(child, 2)
        assert time.monotonic() - started >= 2 * stack.BACKOFF_FIRST - 0.1
        said = capsys.readouterr().out
        assert "sleeper exited with code -9; starting it again in 1 s" in said
        assert "restarting sleeper (restart 2)" in said
    finally:
        stack.stop_all([child])
    assert not _alive(child.process.pid)


def test_stopping_stops_the_children_it_restarted_and_all_of_their_processes():
    # A child with a grandchild of its own, both in its process group.
    family = [sys.executable, "-c", "import subprocess,sys,time; "
              "subprocess.Popen([sys.executable,'-c','import time; time.sleep(120)']); "
              "time.sleep(120)"]  # fmt: skip
    children = [stack.Child("family", family, dict(os.environ)), stack.Child("other", SLEEPER, {})]
    for child in children:
        child.start()
    _kill(children[0])
    _until_restarted(children[0], 1)
    group = children[0].process.pid
    wait_until(lambda: len(_group_members(group)) == 2, what="the grandchild to start")
    stack.stop_all(children)
    assert not _group_members(group)
    assert all(child.process.poll() is not None for child in children)


def _group_members(group: int) -> list[int]:
    """Live processes of a child's session (its own process group), zombies aside."""
    found = subprocess.run(
        ["ps", "-o", "pid=,stat=", "-s", str(group)], capture_output=True, text=True
    )
    rows = (line.split() for line in found.stdout.splitlines())
    return [int(pid) for pid, stat in rows if not stat.startswith("Z")]


# ---- a worker killed mid-way ------------------------------------------------------------------


CALLS = 300


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_way_comes_back_and_no_call_is_lost_or_prepared_twice():
    customer = CustomerFactory(email="survey@example.com")
    due = timezone.now() - timedelta(minutes=1)
    CallTask.objects.bulk_create(
        CallTask(
            kind=CallTaskKind.SURVEY,
            customer=customer,
            due_at=due,
            idempotency_key=f"killed-worker:{n}",
        )
        for n in range(CALLS)
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    command = [str(BIN / "celery"), "-A", "config", "worker", "-c", "1", "-l", "warning"]
    worker = stack.Child("worker", command, env)
    stopping = threading.Event()
    supervisor = threading.Thread(target=stack.supervise, args=([worker], stopping.is_set))
    from config.celery_app import app as celery_app

    celery_app.control.purge()
    worker.start()
    supervisor.start()
    try:
        call_tasks_dispatch_due()
        prepared = CallTask.objects.filter(prepared_at__isnull=False)
        wait_until(lambda: prepared.count() >= 10, what="the worker to prepare some calls")
        os.killpg(worker.process.pid, signal.SIGKILL)  # mid-way, messages still unacked
        wait_until(lambda: worker.restarts >= 1, what="the supervisor to restart the worker")
        # What the killed worker held is stranded in the broker: the database knows and the
        # next dispatch after the grace period sends it again.
        later = timezone.now() + timedelta(minutes=settings.CALLS_REDISPATCH_MINUTES + 1)
        wait_until(lambda: prepared.count() >= CALLS - 5, what="the rest", timeout=60)
        call_tasks_dispatch_due(now=later)
        wait_until(lambda: prepared.count() == CALLS, what="every call prepared", timeout=60)
    finally:
        stopping.set()
        supervisor.join()
        stack.stop_all([worker])
        celery_app.control.purge()
    # One survey per call (keyed by the call; a second invitation would be a second row).
    calls = CallTask.objects.filter(customer=customer).values_list("pk", flat=True)
    surveys = Survey.objects.filter(customer=customer)
    assert surveys.count() == CALLS
    assert set(surveys.values_list("idempotency_key", flat=True)) == {
        f"survey-call:{pk}" for pk in calls
    }
