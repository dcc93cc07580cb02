"""The admin's services: endpoints made, changed, disabled and enabled with every rule
checked (the REST API calls the same services), secrets rotated, and deliveries sent again
(one, or a time range) under their own webhook-ids. Each action audited."""

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from core.errors import ServiceError
from core.models import AuditEntry
from tests.webhooks.helpers import send_due
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, Endpoint, EndpointSecret
from webhooks.services.endpoints import (
    endpoint_create,
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
    endpoint_update,
)
from webhooks.services.events import event_emit
from webhooks.services.replay import deliveries_replay, delivery_replay

pytestmark = pytest.mark.django_db


def _actions(endpoint) -> list[str]:
    return list(
        AuditEntry.objects.filter(subject_type__model="endpoint", subject_id=endpoint.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _emit(contract: int = 1, type=EventType.CONTRACT_AMENDED):
    with transaction.atomic():
        return event_emit(type=type, data={"n": contract}, ordering_key=f"contract:{contract}")


# ---- endpoints ---------------------------------------------------------------------------------


def test_an_endpoint_is_made_with_a_secret_shown_once_and_audited(webhook_admin):
    made = endpoint_create(
        user=webhook_admin,
        name="  Billing  ",
        url="https://billing.example.com/hooks",
        event_types=[EventType.CONTRACT_AMENDED, EventType.CANCELLATION_CANCELLED],
    )
    endpoint = made.endpoint
    assert (endpoint.name, endpoint.is_active, endpoint.created_by) == (
        "Billing",
        True,
        webhook_admin,
    )
    assert endpoint.event_types == ["cancellation.cancelled", "contract.amended"]
    (secret,) = EndpointSecret.objects.filter(endpoint=endpoint)
    assert made.secret == secret.secret and secret.expires_at is None
    assert made.secret.startswith("whsec_") and len(made.secret) > 40
    assert secret.prefix == made.secret[:10] + "…"
    assert _actions(endpoint) == ["webhook_endpoint_create"]


def test_the_same_form_sent_twice_makes_one_endpoint_and_shows_no_second_secret(webhook_admin):
    key = uuid.uuid4()
    fields = {"user": webhook_admin, "name": "CRM", "url": "https://crm.example.com/h"}
    first = endpoint_create(**fields, submission=key)
    again = endpoint_create(**fields, submission=key)
    assert again.endpoint == first.endpoint and again.secret == ""
    assert Endpoint.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"url": "ftp://crm.example.com/h"}, "http"),
        ({"url": "crm.example.com/hooks"}, "http"),
        ({"url": "https://user:pw@crm.example.com/h"}, "password"),
        ({"url": "https://crm.example.com/a b"}, "spaces"),
        ({"url": "https://" + "x" * 600 + ".com"}, "at most"),
        ({"name": "   "}, "name"),
        ({"event_types": ["contract.amended", "contract.deleted"]}, "contract.deleted"),
        ({"event_types": "contract.amended"}, "list"),
    ],
)
def test_an_endpoint_that_breaks_a_rule_is_refused_with_the_reason(webhook_admin, fields, problem):
    values = {"name": "CRM", "url": "https://crm.example.com/h", "event_types": [], **fields}
    with pytest.raises(ServiceError) as refused:
        endpoint_create(user=webhook_admin, **values)
    assert problem in str(refused.value.message)
    assert Endpoint.objects.count() == 0


def test_changing_an_endpoint_is_audited_with_before_and_after(webhook_admin, endpoint):
    endpoint, _secret = endpoint
    endpoint_update(
        endpoint_id=endpoint.pk,
        user=webhook_admin,
        name="CRM (new)",
        url="https://crm.example.com/v2",
        event_types=[EventType.CLAIM_CLOSED],
    )
    endpoint.refresh_from_db()
    assert (endpoint.name, endpoint.url, endpoint.event_types) == (
        "CRM (new)",
        "https://crm.example.com/v2",
        ["claim.closed"],
    )
    entry = AuditEntry.objects.get(action="webhook_endpoint_update")
    assert entry.data["before"]["event_types"] == []
    assert entry.data["after"]["url"] == "https://crm.example.com/v2"


def test_rotating_gives_the_old_secret_the_grace_period_and_keeps_one_current(
    webhook_admin, endpoint, clock, settings
):
    endpoint, old = endpoint
    first = endpoint_secret_rotate(endpoint_id=endpoint.pk, user=webhook_admin).secret
    second = endpoint_secret_rotate(endpoint_id=endpoint.pk, user=webhook_admin).secret
    grace = timezone.now() + timedelta(hours=settings.WEBHOOKS_SECRET_GRACE_HOURS)
    secrets = dict(EndpointSecret.objects.values_list("secret", "expires_at"))
    assert secrets == {old: grace, first: grace, second: None}
    assert _actions(endpoint) == ["webhook_endpoint_create", *["webhook_secret_rotate"] * 2]


def test_disabling_and_enabling_are_refused_twice_and_audited(webhook_admin, endpoint):
    endpoint, _secret = endpoint
    endpoint_disable(endpoint_id=endpoint.pk, user=webhook_admin, reason="Their maintenance")
    with pytest.raises(ServiceError):
        endpoint_disable(endpoint_id=endpoint.pk, user=webhook_admin)
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (False, "Their maintenance")
    endpoint_enable(endpoint_id=endpoint.pk, user=webhook_admin)
    with pytest.raises(ServiceError):
        endpoint_enable(endpoint_id=endpoint.pk, user=webhook_admin)
    assert _actions(endpoint)[1:] == ["webhook_endpoint_disable", "webhook_endpoint_enable"]


# ---- sending again -----------------------------------------------------------------------------


def test_replaying_one_delivery_sends_it_again_with_the_same_id(
    receiver, endpoint, webhook_admin, clock
):
    endpoint, secret = endpoint
    event = _emit()
    send_due()
    delivery = Delivery.objects.get(event=event)

    clock.shift(timedelta(days=5))
    delivery_replay(delivery_id=delivery.pk, user=webhook_admin)
    assert send_due() == ["delivered"]

    assert receiver.ids() == [event.webhook_id, event.webhook_id]
    assert receiver.got[-1].verifies_with(secret)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    entry = AuditEntry.objects.get(action="webhook_replay")
    assert entry.data == {"delivery": delivery.pk, "webhook_id": event.webhook_id}
    assert entry.user == webhook_admin


def test_replaying_a_time_range_sends_those_events_again_and_those_missed_while_disabled(
    receiver, endpoint, webhook_admin, clock
):
    endpoint, _secret = endpoint
    before = _emit(contract=1)
    clock.shift(timedelta(hours=1))
    since = timezone.now()
    in_range = [_emit(contract=2), _emit(contract=2)]
    send_due()
    endpoint_disable(endpoint_id=endpoint.pk, user=webhook_admin)
    missed = _emit(contract=2)  # while disabled: not queued for it
    assert not Delivery.objects.filter(event=missed).exists()
    endpoint_enable(endpoint_id=endpoint.pk, user=webhook_admin)
    clock.shift(timedelta(hours=1))
    until = timezone.now()
    _emit(contract=3)
    send_due()
    receiver.got.clear()

    count = deliveries_replay(endpoint_id=endpoint.pk, since=since, until=until, user=webhook_admin)

    assert count == 3
    assert send_due() == ["delivered"] * 3
    assert receiver.ids() == [e.webhook_id for e in [*in_range, missed]]  # in order
    assert before.webhook_id not in receiver.ids()
    entry = AuditEntry.objects.get(action="webhook_replay")
    assert entry.data["deliveries"] == 3


def test_a_range_replay_takes_only_the_types_the_endpoint_receives(
    make_endpoint, webhook_admin, receiver, clock
):
    endpoint, _secret = make_endpoint(event_types=[EventType.CLAIM_CLOSED])
    since = timezone.now()
    _emit(type=EventType.CONTRACT_AMENDED)
    closed = _emit(type=EventType.CLAIM_CLOSED)
    clock.shift(timedelta(minutes=1))
    Delivery.objects.all().delete()  # as if it had been made afterwards
    count = deliveries_replay(
        endpoint_id=endpoint.pk, since=since, until=timezone.now(), user=webhook_admin
    )
    assert count == 1
    assert list(Delivery.objects.values_list("event", flat=True)) == [closed.pk]


@pytest.mark.parametrize("bad", ["backwards", "naive", "missing"])
def test_a_range_that_makes_no_sense_is_refused(webhook_admin, endpoint, bad):
    endpoint, _secret = endpoint
    now = timezone.now()
    since, until = {
        "backwards": (now, now - timedelta(hours=1)),
        "naive": (now.replace(tzinfo=None) - timedelta(hours=1), now.replace(tzinfo=None)),
        "missing": (None, now),
    }[bad]
    with pytest.raises(ServiceError):
        deliveries_replay(endpoint_id=endpoint.pk, since=since, until=until, user=webhook_admin)


def test_nothing_is_sent_again_to_a_disabled_endpoint(webhook_admin, endpoint, receiver, clock):
    endpoint, _secret = endpoint
    event = _emit()
    send_due()
    endpoint_disable(endpoint_id=endpoint.pk, user=webhook_admin)
    delivery = Delivery.objects.get(event=event)
    with pytest.raises(ServiceError, match="Enable the endpoint"):
        delivery_replay(delivery_id=delivery.pk, user=webhook_admin)
    with pytest.raises(ServiceError, match="Enable the endpoint"):
        deliveries_replay(
            endpoint_id=endpoint.pk,
            since=timezone.now() - timedelta(days=1),
            until=timezone.now(),
            user=webhook_admin,
        )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
