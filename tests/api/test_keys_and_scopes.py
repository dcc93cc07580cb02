"""Who may call the API: a key per integration, hashed at rest and shown once, revoked at
once, each endpoint refusing a key without its scope; every write audited with the key."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiKey
from api.services.keys import api_key_revoke
from core.models import AuditEntry
from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_key_is_kept_only_as_a_fingerprint_with_a_visible_prefix(api_key):
    key, secret = api_key("read")
    assert secret.startswith(key.prefix + "_") and key.prefix.startswith("rdk_")
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.filter(pk=key.pk).values().get())


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer rdk_00000000_nope", "Basic dXNlcjpwYXNz", "Bearer rdk_x", "Token abc"],
)
def test_no_key_or_a_wrong_one_is_401_with_a_challenge(authorization):
    client = APIClient()
    if authorization:
        client.credentials(HTTP_AUTHORIZATION=authorization)
    response = client.get("/api/v1/customers")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["status"] == 401


def test_a_revoked_key_is_refused_from_the_next_request(api, catalog_admin):
    client = api("read")
    assert client.get("/api/v1/customers").status_code == 200
    api_key_revoke(user=catalog_admin, key_id=client.key.pk)
    assert client.get("/api/v1/customers").status_code == 401


@pytest.mark.parametrize(
    ("method", "url", "scope"),
    [
        ("get", "/api/v1/customers", "read"),
        ("get", "/api/v1/contracts", "read"),
        ("get", "/api/v1/cancellations", "read"),
        ("put", "/api/v1/customers/C-1", "book:write"),
        ("post", "/api/v1/contracts/bulk", "book:write"),
        ("post", "/api/v1/billing-events", "book:write"),
        ("post", "/api/v1/telephony/events", "telephony:write"),
    ],
)
def test_a_key_without_the_scope_gets_403_and_changes_nothing(api, method, url, scope):
    others = [s for s in ("read", "book:write", "telephony:write", "webhooks:manage") if s != scope]
    client = api(*others)
    before = AuditEntry.objects.count()
    response = getattr(client, method)(url, {}, format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    assert scope in response.json()["detail"]
    assert AuditEntry.objects.count() == before


def test_last_use_is_kept_without_a_write_per_request(api, django_assert_max_num_queries):
    client = api("read")
    client.get("/api/v1/customers")
    first = ApiKey.objects.get(pk=client.key.pk).last_used_at
    assert first is not None
    with django_assert_max_num_queries(3):  # the key, the page; no update within the minute
        client.get("/api/v1/customers")
    assert ApiKey.objects.get(pk=client.key.pk).last_used_at == first
    ApiKey.objects.filter(pk=client.key.pk).update(last_used_at=first - timedelta(minutes=5))
    client.get("/api/v1/customers")
    assert ApiKey.objects.get(pk=client.key.pk).last_used_at > first


def test_every_write_is_audited_with_the_key_that_made_it(api):
    client = api("book:write")
    contract = ContractFactory(external_id="K-1")
    response = client.post(
        "/api/v1/billing-events",
        {
            "id": "evt-1",
            "type": "payment.failed",
            "contract_external_id": "K-1",
            "occurred_at": "2026-12-01T09:00:00+09:00",
        },
        format="json",
    )
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="api_write")
    assert entry.data["api_key"] == client.key.prefix
    assert entry.data["path"] == "/api/v1/billing-events"
    assert entry.user is None
    assert contract.billing_events.count() == 1


def test_the_keys_page_is_for_admins_only(client, login, agent, supervisor):
    for user in (agent, supervisor):
        assert login(user).get(reverse("api:keys")).status_code == 403
        assert login(user).post(reverse("api:keys"), {"name": "x"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_an_admin_makes_a_key_sees_it_once_and_revokes_it(client_as_catalog_admin):
    page = client_as_catalog_admin.post(
        reverse("api:keys"),
        {"name": "Billing", "scopes": ["book:write", "read"], "rate_limit_per_minute": 120},
    )
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    key = ApiKey.objects.get()
    secret = page.context["new_key"].plaintext
    assert secret in page.content.decode()
    listed = client_as_catalog_admin.get(reverse("api:keys")).content.decode()
    assert key.prefix in listed and secret not in listed
    assert AuditEntry.objects.filter(action="api_key_create", subject_id=key.pk).exists()

    client_as_catalog_admin.post(reverse("api:key_revoke", args=[key.pk]))
    key.refresh_from_db()
    assert key.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/customers").status_code == 401


def test_the_keys_page_leads_to_every_integration_screen(client_as_catalog_admin):
    page = client_as_catalog_admin.get(reverse("api:keys")).content.decode()
    for url in (reverse("api:docs"), reverse("webhook_endpoints"), reverse("book_import")):
        assert f'href="{url}"' in page


def test_a_key_without_a_name_or_scope_is_refused_and_nothing_made(client_as_catalog_admin):
    for data in ({"name": "", "scopes": ["read"]}, {"name": "BI", "scopes": []}):
        response = client_as_catalog_admin.post(
            reverse("api:keys"), {**data, "rate_limit_per_minute": 60}
        )
        assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_customers_phones_are_masked_unless_the_key_may_read_personal_data(api):
    CustomerFactory(external_id="C-9", phone="01012345678", email="kim@example.com")
    masked = api("read").get("/api/v1/customers/C-9").json()
    assert masked["phone"] == "010-****-5678" and masked["email"] is None
    full = api("read", "customers:pii").get("/api/v1/customers/C-9").json()
    assert full["phone"] == "01012345678" and full["email"] == "kim@example.com"
