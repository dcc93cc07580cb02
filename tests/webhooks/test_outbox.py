"""The outbox: an event is written in the transaction of the change it tells about. A
committed change is delivered by the real worker through the real broker; a rolled-back
one leaves no event and sends nothing; a broker that is down loses nothing."""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from customers.models import Contract
from tests.factories import ContractFactory
from tests.webhooks.helpers import broker_unreachable, send_due, wait_for
from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, Event
from webhooks.services.delivery import deliveries_sweep
from webhooks.services.events import event_emit

threaded = pytest.mark.django_db(transaction=True)


class Refused(Exception):
    pass


def _change_and_tell(contract: Contract, fee: int, *, then_refuse: bool = False) -> Event:
    """A change to a contract and its event, in one transaction (as every service does)."""
    with transaction.atomic():
        Contract.objects.filter(pk=contract.pk).update(monthly_fee=fee)
        event = event_emit(
            type=EventType.CONTRACT_AMENDED,
            data={"contract": {"id": contract.pk}, "monthly_fee": fee},
            ordering_key=f"contract:{contract.pk}",
        )
        if then_refuse:  # something later in the same service refuses: all rolls back
            raise Refused
    return event


@threaded
def test_a_committed_change_is_delivered_by_the_worker(worker, receiver, endpoint):
    _endpoint, secret = endpoint
    contract = ContractFactory(monthly_fee=30_000)

    event = _change_and_tell(contract, 27_000)

    wait_for(lambda: receiver.ids(ok_only=True), what="the receiver to get the event")
    worker.drain()
    (got,) = receiver.got
    assert got.webhook_id == event.webhook_id
    assert got.verifies_with(secret)
    assert got.payload["data"] == {"contract": {"id": contract.pk}, "monthly_fee": 27_000}
    delivery = Delivery.objects.get(event=event)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert worker.of(delivery.pk) == ["SUCCESS"]


@threaded
def test_a_rolled_back_change_leaves_no_event_and_sends_nothing(worker, receiver, endpoint):
    contract = ContractFactory(monthly_fee=30_000)

    with pytest.raises(Refused):
        _change_and_tell(contract, 27_000, then_refuse=True)

    worker.drain()  # everything enqueued so far has run
    assert Event.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert receiver.got == []
    assert Contract.objects.get(pk=contract.pk).monthly_fee == 30_000
    assert [delivery_id for delivery_id, _state in worker.runs if delivery_id] == []


@threaded
def test_a_change_committed_while_the_broker_is_down_is_sent_by_the_next_sweep(
    worker, receiver, endpoint, caplog
):
    caplog.set_level(logging.WARNING, logger="webhooks.services.delivery")
    contract = ContractFactory()

    with broker_unreachable():
        event = _change_and_tell(contract, 25_000)  # commits; the enqueue fails quietly

    assert Event.objects.filter(pk=event.pk).exists()
    assert any("could not enqueue" in r.getMessage() for r in caplog.records)
    worker.drain()
    assert receiver.got == []

    later = timezone.now() + timedelta(minutes=10)
    assert deliveries_sweep(now=later) == [Delivery.objects.get(event=event).pk]
    wait_for(lambda: receiver.ids(ok_only=True), what="the sweep's message to be sent")
    assert receiver.ids() == [event.webhook_id]


@pytest.mark.django_db
def test_an_event_rolled_back_with_a_savepoint_is_not_sent_while_the_rest_is(
    receiver, endpoint, clock
):
    with transaction.atomic():
        kept = event_emit(type=EventType.CLAIM_CLOSED, data={"claim": {"id": 1}})
        try:
            with transaction.atomic():
                event_emit(type=EventType.CLAIM_CLOSED, data={"claim": {"id": 2}})
                raise Refused
        except Refused:
            pass

    assert list(Event.objects.values_list("pk", flat=True)) == [kept.pk]
    assert send_due() == ["delivered"]
    assert receiver.ids() == [kept.webhook_id]
