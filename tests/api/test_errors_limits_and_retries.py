"""The API's manners: every error a problem document with a stable code, bad JSON refused
whole, a key over its limit told when to come back, a retried POST done once."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from api.models import IdempotentRequest
from customers.models import BillingEvent
from tests.concurrency import race
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

EVENT = {
    "id": "evt-100",
    "type": "payment.failed",
    "contract_external_id": "K-100",
    "occurred_at": "2026-12-01T09:00:00+09:00",
    "amount": 30000,
}


@pytest.fixture
def contract(db):
    return ContractFactory(external_id="K-100")


def test_an_unknown_address_under_the_api_is_a_problem_not_a_page(api):
    response = api("read").get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"id": "evt-1",', "application/json"),
        ('{"id": "a\\u0000b"}', "application/json"),
        ('{"detail": {"note": "x\\u0007"}}', "application/json"),
        ("id=1", "application/x-www-form-urlencoded"),
    ],
)
def test_unreadable_or_unstorable_bodies_are_refused_whole(api, contract, body, content_type):
    response = api("book:write").generic(
        "POST", "/api/v1/billing-events", body, content_type=content_type
    )
    assert response.status_code in (400, 415)
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] in ("parse_error", "unsupported_media_type")
    assert not BillingEvent.objects.exists()


def test_a_body_too_large_is_refused_before_it_is_read(api, contract, settings):
    settings.API_MAX_BODY_BYTES = 1000
    response = api("book:write").post(
        "/api/v1/billing-events", {**EVENT, "detail": {"x": "y" * 2000}}, format="json"
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["detail"]


def test_field_errors_name_the_field_and_say_what_is_wrong(api, contract):
    response = api("book:write").post(
        "/api/v1/billing-events", {**EVENT, "type": "payment.lost", "amount": "many"}, format="json"
    )
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid"
    fields = {error["field"]: error["code"] for error in body["errors"]}
    assert fields == {"type": "invalid_choice", "amount": "invalid"}


def test_a_key_over_its_limit_gets_429_with_retry_after(api, contract):
    cache.clear()
    client = api("read", rate=3)
    # Inside one minute's window, whatever the clock says when the test runs.
    with time_machine.travel(datetime(2026, 12, 5, 9, 0, 10, tzinfo=UTC), tick=False):
        codes = [client.get("/api/v1/contracts").status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        refused = client.get("/api/v1/contracts")
        assert refused.json()["code"] == "rate_limited"
        assert int(refused["Retry-After"]) == 50
        assert api("read", rate=3).get("/api/v1/contracts").status_code == 200, "per key"


def test_with_redis_down_the_api_still_answers(api, contract, settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert api("read", rate=1).get("/api/v1/contracts").status_code == 200


def test_a_retried_post_with_its_idempotency_key_is_done_once(api, contract):
    client = api("book:write")
    first = client.post("/api/v1/billing-events", EVENT, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post("/api/v1/billing-events", EVENT, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert BillingEvent.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_refused(api, contract):
    client = api("book:write")
    client.post("/api/v1/billing-events", EVENT, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    other = client.post(
        "/api/v1/billing-events",
        {**EVENT, "id": "evt-101"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert BillingEvent.objects.count() == 1


def test_a_refused_post_leaves_its_idempotency_key_free(api, contract):
    client = api("book:write")
    bad = client.post(
        "/api/v1/billing-events",
        {**EVENT, "contract_external_id": "nope"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k3",
    )
    assert bad.status_code == 400
    assert not IdempotentRequest.objects.exists()
    good = client.post("/api/v1/billing-events", EVENT, format="json", HTTP_IDEMPOTENCY_KEY="k3")
    assert good.status_code == 201


@pytest.mark.django_db(transaction=True)
def test_twenty_retries_at_once_record_one_event(api, contract):
    client = api("book:write")

    def send():
        return client.post(
            "/api/v1/billing-events",
            {**EVENT, "id": "evt-race"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="race",
        ).status_code

    outcomes = race(*[send] * 20)
    assert all(outcome.won for outcome in outcomes), [o.error for o in outcomes]
    assert sorted({outcome.value for outcome in outcomes}) == [201]
    assert BillingEvent.objects.filter(external_id="evt-race").count() == 1
    assert IdempotentRequest.objects.count() == 1


def test_the_api_speaks_english_unless_the_client_asks_for_korean(api, contract, settings):
    settings.LANGUAGE_CODE = "ko"  # the desk's default, as in production
    client = api("book:write")
    bad = {**EVENT, "type": "payment.lost"}
    english = client.post("/api/v1/billing-events", bad, format="json").json()
    korean = client.post(
        "/api/v1/billing-events", bad, format="json", HTTP_ACCEPT_LANGUAGE="ko"
    ).json()
    assert english["errors"][0]["message"] == '"payment.lost" is not a valid choice.'
    assert not korean["errors"][0]["message"].isascii()


@pytest.mark.parametrize("method", ["DELETE", "PATCH"])
def test_a_method_an_endpoint_does_not_have_is_405_whatever_the_key(api, contract, method):
    response = api("book:write", "read").generic(method, "/api/v1/contracts/K-100")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert "PUT" in response["Allow"]
    assert response.json()["code"] == "method_not_allowed"


def test_the_docs_page_sends_a_person_to_the_login(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
