import os

import pytest

from accounts.roles import Role, roles_sync
from catalog.taxonomy import customer_types_seed, reasons_seed
from tests.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# test body (fixtures, assertions) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def agent(db):
    return UserFactory(username="agent-kim", role=Role.AGENT)


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor-park", role=Role.SUPERVISOR)


@pytest.fixture
def catalog_admin(db):
    return UserFactory(username="catalog-lee", role=Role.CATALOG_ADMIN)


MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def login(client):
    """Log `user` into the test client (through ModelBackend: axes' backend cannot load users)."""

    def _login(user):
        client.force_login(user, backend=MODEL_BACKEND)
        return client

    return _login


@pytest.fixture
def client_as_agent(login, agent):
    return login(agent)


@pytest.fixture
def client_as_supervisor(login, supervisor):
    return login(supervisor)


@pytest.fixture
def client_as_catalog_admin(login, catalog_admin):
    return login(catalog_admin)


@pytest.fixture(autouse=True)
def _roles_after_flush(request):
    """Transactional tests flush the database, data migrations included: put them back
    (and for a test that happens to run after one: pytest-django runs transactional tests
    last, but not every plugin's parametrisation keeps to that order)."""
    marker = request.node.get_closest_marker("django_db")
    if not marker:
        return
    from django.apps import apps
    from django.contrib.auth.models import Group

    if marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
    elif Group.objects.exists():
        return
    roles_sync(apps)
    reasons_seed(apps)
    customer_types_seed(apps)
