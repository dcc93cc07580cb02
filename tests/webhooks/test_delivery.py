"""Delivering the outbox to a real HTTP receiver on a local port, in this process as the
worker does it: signed so the published secret verifies (both secrets during a rotation),
the same webhook-id on every retry, the Standard Webhooks back-off, in order per contract
after hours down, and an endpoint failing for three days disabled, its admins told."""

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from core.models import AuditEntry
from tests.webhooks.helpers import send_due
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, DeliveryAttempt, Endpoint
from webhooks.services.delivery import (
    _claim,
    _record,
    _send,
    deliveries_due,
    deliveries_sweep,
    delivery_attempt,
)
from webhooks.services.endpoints import (
    endpoint_disable,
    endpoint_enable,
    endpoint_secret_rotate,
)
from webhooks.services.events import event_emit
from webhooks.services.replay import delivery_replay

pytestmark = pytest.mark.django_db


def _emit(n: int = 1, *, contract: int = 1, type=EventType.CONTRACT_AMENDED):
    events = []
    with transaction.atomic():
        for i in range(n):
            events.append(
                event_emit(
                    type=type,
                    data={"contract": {"id": contract}, "n": i},
                    ordering_key=f"contract:{contract}",
                )
            )
    return events


def _delivery(event) -> Delivery:
    return Delivery.objects.get(event=event)


# ---- signatures --------------------------------------------------------------------------------


def test_signatures_verify_with_the_published_secret(receiver, endpoint, clock):
    _endpoint, secret = endpoint
    (event,) = _emit()

    assert send_due() == ["delivered"]

    (got,) = receiver.got
    assert got.verifies_with(secret)
    assert not got.verifies_with("whsec_" + "A" * 43)  # another secret does not
    assert got.webhook_id == event.webhook_id and got.webhook_id.startswith("msg_")
    assert got.timestamp == str(int(timezone.now().timestamp()))
    assert got.headers["Content-Type"] == "application/json"
    body = got.payload
    assert body == {
        "type": "contract.amended",
        "timestamp": event.occurred_at.isoformat(),
        "data": {"contract": {"id": 1}, "n": 0},
    }
    delivery = _delivery(event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert delivery.delivered_at == timezone.now()
    attempt = DeliveryAttempt.objects.get(delivery=delivery)
    assert (attempt.status_code, attempt.error) == (200, "")


def test_during_a_rotation_both_secrets_verify_and_after_the_grace_only_the_new_one(
    receiver, endpoint, webhook_admin, clock, settings
):
    endpoint, old = endpoint
    new = endpoint_secret_rotate(endpoint_id=endpoint.pk, user=webhook_admin).secret
    assert new.startswith("whsec_") and new != old

    _emit()
    send_due()
    during = receiver.got[-1]
    assert len(during.signature.split(" ")) == 2  # both, space-separated, as the spec allows
    assert during.verifies_with(old) and during.verifies_with(new)

    clock.shift(timedelta(hours=settings.WEBHOOKS_SECRET_GRACE_HOURS, seconds=1))
    _emit(contract=2)
    send_due()
    after = receiver.got[-1]
    assert len(after.signature.split(" ")) == 1
    assert after.verifies_with(new) and not after.verifies_with(old)


# ---- retries -----------------------------------------------------------------------------------


def test_a_receiver_answering_500_then_200_gets_the_event_once_more_with_the_same_id(
    receiver, endpoint, clock
):
    receiver.answers = [500]
    (event,) = _emit()

    assert send_due() == ["pending"]
    delivery = _delivery(event)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == timezone.now() + timedelta(seconds=5)
    assert delivery.last_error == "receiver trouble"
    assert send_due() == []  # not before its time

    clock.shift(timedelta(seconds=5))
    assert send_due() == ["delivered"]

    assert [(r.webhook_id, r.status) for r in receiver.got] == [
        (event.webhook_id, 500),
        (event.webhook_id, 200),
    ]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert list(
        DeliveryAttempt.objects.filter(delivery=delivery)
        .order_by("at")
        .values_list("status_code", flat=True)
    ) == [500, 200]
    assert delivery_attempt(delivery_id=delivery.pk) == "delivered"  # a message sent twice
    assert len(receiver.got) == 2


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver, endpoint, clock):
    receiver.answers = [307]
    (event,) = _emit()
    assert send_due() == ["pending"]
    assert _delivery(event).last_status_code == 307
    assert len(receiver.got) == 1


def test_a_receiver_down_for_hours_gets_everything_afterwards_in_order_per_contract(
    receiver, endpoint, clock, settings
):
    receiver.down()
    first = _emit(3, contract=1)
    other = _emit(2, contract=2)
    started = timezone.now()

    # Only the head of each contract's line is tried while the receiver is down.
    assert sorted(send_due()) == ["pending", "pending"]
    heads = [_delivery(first[0]), _delivery(other[0])]
    assert all(d.attempts == 1 and "ConnectError" in d.last_error for d in heads)
    assert all(_delivery(e).attempts == 0 for e in first[1:] + other[1:])

    # Down for six hours: the beat sweep and the worker keep trying on the schedule.
    waits = settings.WEBHOOKS_RETRY_SECONDS
    for wait in waits[:5]:
        clock.shift(timedelta(seconds=wait))
        assert set(deliveries_sweep()) <= {d.pk for d in heads}  # as beat would (no worker)
        assert sorted(send_due()) == ["pending", "pending"]
    assert timezone.now() - started == timedelta(seconds=sum(waits[:5]))  # ~7.6 hours
    assert [_delivery(first[0]).attempts, _delivery(other[0]).attempts] == [6, 6]
    assert receiver.got == []

    receiver.up()
    clock.shift(timedelta(seconds=waits[5]))
    outcomes = send_due()

    assert outcomes == ["delivered"] * 5
    assert all(_delivery(e).status == "delivered" for e in first + other)
    arrived = receiver.ids()
    in_line = [e.webhook_id for e in first]
    assert [i for i in arrived if i in in_line] == in_line
    assert [i for i in arrived if i not in in_line] == [e.webhook_id for e in other]


def test_three_days_of_failure_give_the_delivery_up_disable_the_endpoint_and_tell_its_admins(
    receiver, endpoint, webhook_admin, clock, settings, django_capture_on_commit_callbacks
):
    endpoint, _secret = endpoint
    receiver.then = 503
    (event,) = _emit()
    started = timezone.now()
    delivery = _delivery(event)

    attempts = []
    while delivery.status == DeliveryStatus.PENDING:
        with django_capture_on_commit_callbacks(execute=True):
            send_due()
        delivery.refresh_from_db()
        attempts.append(timezone.now() - started)
        if delivery.next_attempt_at:
            clock.move_to(delivery.next_attempt_at)

    # The Standard Webhooks schedule (at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h),
    # then every 10 hours, the last attempt at 72 hours after the first.
    waits = [0, 5, 300, 1800, 7200, 18000, 36000, 36000, 36000, 36000, 36000, 36000, 15895]
    assert [a.total_seconds() for a in attempts] == list(itertools.accumulate(waits))
    assert attempts[-1] == timedelta(hours=72)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == len(attempts) == len(receiver.got)
    assert set(receiver.ids()) == {event.webhook_id}

    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert endpoint.disabled_at == started + timedelta(hours=settings.WEBHOOKS_MAX_AGE_HOURS)
    assert "72 hours" in endpoint.disabled_reason and "HTTP 503" in endpoint.disabled_reason
    entry = AuditEntry.objects.get(action="webhook_endpoint_failing", subject_id=endpoint.pk)
    assert entry.user is None and entry.data["delivery"] == delivery.pk
    (message,) = mail.outbox
    assert message.to == [webhook_admin.email]
    assert "CRM" in message.subject and "disabled" in message.subject
    assert f"/desk/integrations/webhooks/{endpoint.pk}/" in message.body

    # Disabled: new events are not queued for it, nothing is sent.
    _emit(contract=2)
    assert Delivery.objects.filter(endpoint=endpoint).count() == 1
    assert send_due() == []


def test_an_endpoint_that_took_a_delivery_meanwhile_is_not_disabled(receiver, endpoint, clock):
    endpoint, _secret = endpoint
    (stuck,) = _emit(contract=1)
    receiver.refuse = {stuck.webhook_id}  # this one event always fails
    send_due()
    clock.shift(timedelta(hours=36))
    (other,) = _emit(contract=2)
    send_due()
    assert _delivery(other).status == DeliveryStatus.DELIVERED
    for _ in range(8):
        clock.shift(timedelta(hours=10))
        send_due()
    assert _delivery(stuck).status == DeliveryStatus.FAILED
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert not AuditEntry.objects.filter(action="webhook_endpoint_failing").exists()


# ---- what is due -------------------------------------------------------------------------------


def test_an_endpoint_receives_only_the_event_types_it_chose(make_endpoint, receiver, clock):
    claims_only, _secret = make_endpoint(event_types=[EventType.CLAIM_CLOSED], name="Claims")
    _emit(type=EventType.CONTRACT_AMENDED)
    (closed,) = _emit(type=EventType.CLAIM_CLOSED)
    assert list(Delivery.objects.values_list("endpoint", "event")) == [(claims_only.pk, closed.pk)]


def test_a_later_event_of_the_same_contract_waits_while_the_earlier_one_is_pending(
    receiver, endpoint, clock
):
    receiver.answers = [500]
    first, second = _emit(2)
    (elsewhere,) = _emit(contract=9)

    assert list(deliveries_due().values_list("event", flat=True)) == [first.pk, elsewhere.pk]
    assert delivery_attempt(delivery_id=_delivery(second).pk) == "waiting"
    assert send_due() == ["pending", "delivered"]
    assert receiver.ids() == [first.webhook_id, elsewhere.webhook_id]


def test_the_sweep_enqueues_what_is_due_once_and_again_only_after_the_grace(
    receiver, endpoint, clock, settings
):
    (event,) = _emit()
    delivery = _delivery(event)
    assert deliveries_sweep() == []  # the commit enqueued it a moment ago
    clock.shift(timedelta(minutes=settings.WEBHOOKS_REQUEUE_MINUTES))
    assert deliveries_sweep() == [delivery.pk]  # its message was lost: sent again
    assert deliveries_sweep() == []
    send_due()
    clock.shift(timedelta(hours=1))
    assert deliveries_sweep() == []  # delivered


def test_a_worker_that_died_mid_attempt_leaves_it_pending_until_its_lease_runs_out(
    receiver, endpoint, clock, settings
):
    (event,) = _emit()
    delivery = _delivery(event)
    outgoing, _why = _claim(delivery.pk, timezone.now())  # claimed, then the worker died
    assert outgoing is not None
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert send_due() == []
    clock.shift(timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS))
    assert send_due() == ["delivered"]
    assert receiver.ids() == [event.webhook_id]


def test_a_disabled_endpoint_in_between_changes_nothing_and_sends_nothing(
    receiver, endpoint, webhook_admin, clock
):
    endpoint, _secret = endpoint
    (event,) = _emit()
    endpoint_disable(endpoint_id=endpoint.pk, user=webhook_admin, reason="Maintenance")
    assert send_due() == []
    assert delivery_attempt(delivery_id=_delivery(event).pk) == "endpoint_disabled"
    endpoint_enable(endpoint_id=endpoint.pk, user=webhook_admin)
    assert send_due() == ["delivered"]
    assert Endpoint.objects.get(pk=endpoint.pk).is_active


def test_a_delivery_sent_again_while_its_attempt_is_out_keeps_a_window(
    receiver, endpoint, webhook_admin, clock
):
    receiver.answers = [500]
    (event,) = _emit()
    delivery = _delivery(event)
    outgoing, _why = _claim(delivery.pk, timezone.now())
    delivery_replay(delivery_id=delivery.pk, user=webhook_admin)  # meanwhile, from the log

    assert _record(outgoing, _send(outgoing)) == "pending"
    delivery.refresh_from_db()
    assert delivery.first_attempt_at == timezone.now()
    clock.shift(timedelta(seconds=5))
    assert send_due() == ["delivered"]
