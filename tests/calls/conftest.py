"""Fixtures for planned calls: another agent, the real Redis broker emptied around a test,
a running worker and what it prepared, and the dispatcher's warnings."""

import logging

import pytest

from accounts.roles import Role
from config.celery_app import app as celery_app
from tests.calls.worker import running_worker
from tests.factories import UserFactory


@pytest.fixture
def second_agent(db):
    return UserFactory(username="agent-choi", role=Role.AGENT)


@pytest.fixture
def broker():
    """The real Redis broker, emptied before and after: a message one test leaves behind
    must never be run by the next test's worker."""
    celery_app.control.purge()
    yield
    celery_app.control.purge()


@pytest.fixture
def prepare_runs(broker, transactional_db):
    """A running worker, and what it prepared."""
    with running_worker() as runs:
        yield runs


@pytest.fixture
def enqueue_warnings(caplog):
    caplog.set_level(logging.WARNING, logger="calls.services.dispatch")
    return lambda: [r.getMessage() for r in caplog.records if r.name == "calls.services.dispatch"]
