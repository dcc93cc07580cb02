"""The webhook screens, through the real views: only those who may manage webhooks get in
(403 for agents and supervisors, checked on the server), an endpoint made and its secret
shown once, rotated, changed, disabled and enabled, deliveries sent again, and a delivery
log whose queries do not grow with the log."""

import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.webhooks.helpers import send_due
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, DeliveryAttempt, Endpoint, EndpointSecret, Event
from webhooks.services.events import event_emit

pytestmark = pytest.mark.django_db


def _urls(endpoint_pk: int, delivery_pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("webhook_endpoints")),
        ("get", reverse("webhook_endpoint_new")),
        ("post", reverse("webhook_endpoint_new")),
        ("get", reverse("webhook_endpoint", args=[endpoint_pk])),
        ("post", reverse("webhook_endpoint", args=[endpoint_pk])),
        ("post", reverse("webhook_endpoint_rotate", args=[endpoint_pk])),
        ("post", reverse("webhook_endpoint_disable", args=[endpoint_pk])),
        ("post", reverse("webhook_endpoint_enable", args=[endpoint_pk])),
        ("get", reverse("webhook_deliveries", args=[endpoint_pk])),
        ("post", reverse("webhook_deliveries_replay", args=[endpoint_pk])),
        ("post", reverse("webhook_delivery_replay", args=[delivery_pk])),
    ]


def _emit(n: int = 1, *, contract: int = 1) -> list[Event]:
    with transaction.atomic():
        return [
            event_emit(
                type=EventType.CONTRACT_AMENDED,
                data={"n": i},
                ordering_key=f"contract:{contract}",
            )
            for i in range(n)
        ]


def _secret_on(response) -> str:
    found = re.search(r'id="new-secret-value"[^>]*>(whsec_[^<]+)<', response.content.decode())
    return found.group(1) if found else ""


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_agents_and_supervisors_are_refused_every_webhook_page(
    role, request, login, endpoint, receiver
):
    endpoint, _secret = endpoint
    (event,) = _emit()
    delivery = Delivery.objects.get(event=event)
    client = login(request.getfixturevalue(role))
    secrets_before = EndpointSecret.objects.count()

    for method, url in _urls(endpoint.pk, delivery.pk):
        response = getattr(client, method)(url, {"name": "x", "url": "https://x.example/"})
        assert response.status_code == 403, (method, url)

    assert EndpointSecret.objects.count() == secrets_before
    assert Endpoint.objects.get(pk=endpoint.pk).is_active
    assert client.get(reverse("home")).content.count(b"/desk/integrations/webhooks/") == 0


def test_a_catalog_admin_makes_an_endpoint_and_sees_its_secret_once(
    client_as_catalog_admin, catalog_admin, receiver
):
    client = client_as_catalog_admin
    assert b'href="/desk/integrations/webhooks/"' in client.get(reverse("home")).content
    form = {
        "name": "CRM",
        "url": receiver.url,
        "description": "Our CRM",
        "event_types": [EventType.CONTRACT_AMENDED, EventType.CLAIM_CLOSED],
        "submission": uuid.uuid4(),
    }

    response = client.post(reverse("webhook_endpoint_new"), form)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    endpoint = Endpoint.objects.get()
    assert (endpoint.name, endpoint.created_by) == ("CRM", catalog_admin)
    assert endpoint.event_types == ["claim.closed", "contract.amended"]
    secret = _secret_on(response)
    assert secret == EndpointSecret.objects.get(endpoint=endpoint).secret

    again = client.get(reverse("webhook_endpoint", args=[endpoint.pk]))
    assert _secret_on(again) == "" and secret.encode() not in again.content
    assert secret[:10].encode() in again.content  # its prefix, to tell it apart
    listed = client.get(reverse("webhook_endpoints"))
    assert b"CRM" in listed.content and secret.encode() not in listed.content


def test_a_form_that_breaks_a_rule_makes_nothing_and_says_why(client_as_catalog_admin):
    response = client_as_catalog_admin.post(
        reverse("webhook_endpoint_new"),
        {"name": "CRM", "url": "ftp://crm.example.com/", "submission": uuid.uuid4()},
    )
    assert response.status_code == 400
    assert b"https://" in response.content  # the URL's rule
    assert b"Choose the event types" in response.content
    assert not Endpoint.objects.exists()


def test_every_type_is_chosen_with_one_box_and_kept_as_all(client_as_catalog_admin, receiver):
    client_as_catalog_admin.post(
        reverse("webhook_endpoint_new"),
        {"name": "All", "url": receiver.url, "all_events": "on", "submission": uuid.uuid4()},
    )
    assert Endpoint.objects.get().event_types == []


def test_rotating_on_the_page_shows_the_new_secret_once_and_both_sign_for_a_while(
    client_as_catalog_admin, endpoint, receiver, clock
):
    endpoint, old = endpoint
    response = client_as_catalog_admin.post(reverse("webhook_endpoint_rotate", args=[endpoint.pk]))
    new = _secret_on(response)
    assert new.startswith("whsec_") and new != old
    assert response["Cache-Control"] == "no-store"
    page = client_as_catalog_admin.get(reverse("webhook_endpoint", args=[endpoint.pk]))
    assert new.encode() not in page.content and b"also, until" in page.content

    _emit()
    send_due()
    assert receiver.got[-1].verifies_with(old) and receiver.got[-1].verifies_with(new)


def test_changing_disabling_and_enabling_on_the_page(client_as_catalog_admin, endpoint):
    endpoint, _secret = endpoint
    client = client_as_catalog_admin
    url = reverse("webhook_endpoint", args=[endpoint.pk])
    response = client.post(
        url,
        {"name": "CRM v2", "url": "https://crm.example.com/v2", "event_types": ["claim.closed"]},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.url, endpoint.event_types) == (
        "CRM v2",
        "https://crm.example.com/v2",
        ["claim.closed"],
    )
    client.post(reverse("webhook_endpoint_disable", args=[endpoint.pk]), {"reason": "Moving"})
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, "Moving")
    assert b"Moving" in client.get(url).content
    client.post(reverse("webhook_endpoint_enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_replaying_one_delivery_and_a_range_on_the_pages(
    client_as_catalog_admin, endpoint, receiver, clock
):
    endpoint, _secret = endpoint
    first, second = _emit(2)
    send_due()
    client = client_as_catalog_admin
    one = Delivery.objects.get(event=first)

    response = client.post(reverse("webhook_delivery_replay", args=[one.pk]))
    assert response.status_code == 302
    assert Delivery.objects.get(pk=one.pk).status == DeliveryStatus.PENDING
    send_due()
    assert receiver.ids() == [first.webhook_id, second.webhook_id, first.webhook_id]

    now = timezone.localtime()
    response = client.post(
        reverse("webhook_deliveries_replay", args=[endpoint.pk]),
        {
            "since": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "until": (now + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert b"2 deliveries are sent again" in response.content
    send_due()
    assert receiver.ids()[3:] == [first.webhook_id, second.webhook_id]


def test_the_delivery_log_shows_codes_and_times_and_pages_back(
    client_as_catalog_admin, endpoint, receiver, clock
):
    endpoint, _secret = endpoint
    receiver.answers = [500]
    events = _emit(60, contract=1)
    send_due()
    clock.shift(timedelta(seconds=5))
    send_due()
    url = reverse("webhook_deliveries", args=[endpoint.pk])

    page = client_as_catalog_admin.get(url)

    html = page.content.decode()
    assert "HTTP 200" in html and " ms" in html and "HTTP 500" not in html
    assert events[-1].webhook_id in html and events[0].webhook_id not in html  # newest first
    older = re.search(r'href="([^"]+\?before=\d+)" id="older"', html).group(1)
    html = client_as_catalog_admin.get(older).content.decode()
    assert events[0].webhook_id in html and events[-1].webhook_id not in html
    assert "HTTP 500" in html  # the first event's first attempt, in its attempts


def _log_queries(client, endpoint) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("webhook_deliveries", args=[endpoint.pk]))
    assert response.status_code == 200
    return len(queries)


def _fill(endpoint, deliveries: int, attempts: int) -> None:
    """A log of `deliveries`, each tried `attempts` times (written directly: only its size
    matters here)."""
    events = _emit(deliveries, contract=deliveries)
    now = timezone.now()
    for delivery in Delivery.objects.filter(event__in=events):
        DeliveryAttempt.objects.bulk_create(
            DeliveryAttempt(delivery=delivery, at=now, status_code=500, duration_ms=12)
            for _ in range(attempts)
        )


def test_the_delivery_log_costs_the_same_few_queries_however_long_it_is(
    client_as_catalog_admin, endpoint, django_assert_max_num_queries
):
    endpoint, _secret = endpoint
    _fill(endpoint, 3, 1)
    small = _log_queries(client_as_catalog_admin, endpoint)
    _fill(endpoint, 200, 4)
    large = _log_queries(client_as_catalog_admin, endpoint)
    assert small == large
    with django_assert_max_num_queries(10):
        client_as_catalog_admin.get(reverse("webhook_deliveries", args=[endpoint.pk]))


def test_the_endpoint_list_costs_the_same_few_queries_however_many_endpoints(
    client_as_catalog_admin, make_endpoint, django_assert_max_num_queries
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client_as_catalog_admin.get(reverse("webhook_endpoints"))
        return len(captured)

    make_endpoint(name="One")
    _emit(3)
    one = queries()
    for n in range(20):
        make_endpoint(name=f"More {n}")
    _emit(3, contract=2)
    assert queries() == one
    with django_assert_max_num_queries(8):
        client_as_catalog_admin.get(reverse("webhook_endpoints"))
