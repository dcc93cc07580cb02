"""Django admin is for staff only; records only the services write (with their checks and
audit trail) are read-only there, even for a superuser: listed, never added, changed or
deleted."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_needs_staff(client_as_agent):
    response = client_as_agent.get("/admin/")
    assert response.status_code == 302


READ_ONLY = [
    "cancellations_cancellationrequest",
    "catalog_catalogversion",
    "catalog_scheduledchange",
]


@pytest.fixture
def superuser_client(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root, backend="accounts.backends.KeptModelBackend")
    return client


@pytest.mark.parametrize("model", READ_ONLY)
def test_a_superuser_may_list_but_not_add(superuser_client, model):
    assert superuser_client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert superuser_client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_an_editable_catalog_model_still_has_its_add_page(superuser_client):
    assert superuser_client.get(reverse("admin:catalog_battlecard_add")).status_code == 200
