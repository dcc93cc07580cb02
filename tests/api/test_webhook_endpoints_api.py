"""Webhook endpoints managed through the API (scope `webhooks:manage`): the same rules as
the desk's screens, the secret shown only in the answer that makes it."""

import pytest

from webhooks.models import Endpoint

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Billing",
    "url": "https://billing.example.com/hooks",
    "event_types": ["contract.amended"],
}


def test_an_endpoint_is_made_with_its_secret_shown_once(api):
    client = api("webhooks:manage")
    made = client.post("/api/v1/webhooks/endpoints", NEW, format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["secret"].startswith("whsec_")
    read = client.get(f"/api/v1/webhooks/endpoints/{body['id']}").json()
    assert "secret" not in read and read["event_types"] == ["contract.amended"]
    listed = client.get("/api/v1/webhooks/endpoints").json()["items"]
    assert [item["id"] for item in listed] == [body["id"]]


@pytest.mark.parametrize(
    "bad",
    [
        {"url": "ftp://billing.example.com/hooks"},
        {"url": "not a url"},
        {"name": ""},
        {"event_types": ["contract.nothing"]},
    ],
)
def test_a_bad_endpoint_is_refused_and_nothing_made(api, bad):
    response = api("webhooks:manage").post(
        "/api/v1/webhooks/endpoints", {**NEW, **bad}, format="json"
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert [error["field"].split(".")[0] for error in errors] == list(bad)  # event_types.0
    assert all(error["code"] and error["message"] for error in errors)
    assert not Endpoint.objects.exists()


def test_an_endpoint_is_changed_disabled_enabled_and_its_secret_rotated(api):
    client = api("webhooks:manage")
    made = client.post("/api/v1/webhooks/endpoints", NEW, format="json").json()
    url = f"/api/v1/webhooks/endpoints/{made['id']}"
    changed = client.put(url, {**NEW, "name": "Billing v2", "is_active": False}, format="json")
    assert changed.status_code == 200
    assert changed.json()["name"] == "Billing v2" and changed.json()["is_active"] is False
    assert client.put(url, {**NEW, "is_active": True}, format="json").json()["is_active"] is True
    rotated = client.post(f"{url}/rotate-secret").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != made["secret"]


def test_managing_endpoints_needs_its_scope(api):
    assert api("read", "book:write").get("/api/v1/webhooks/endpoints").status_code == 403
    assert api("read").post("/api/v1/webhooks/endpoints", NEW, format="json").status_code == 403
    assert not Endpoint.objects.exists()


def test_an_unknown_endpoint_is_404(api):
    client = api("webhooks:manage")
    assert client.get("/api/v1/webhooks/endpoints/999999").status_code == 404
    assert client.post("/api/v1/webhooks/endpoints/999999/rotate-secret").status_code == 404
