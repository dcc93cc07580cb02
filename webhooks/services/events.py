"""Writing an event to the outbox. The apps above call `event_emit` inside the transaction
that makes the change (each from a payload builder of its own, `<app>/webhook_events.py`),
so the event and its deliveries commit or roll back with the change."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from webhooks.choices import EventType
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services.delivery import deliveries_enqueue


def event_emit(*, type: str, data: dict, ordering_key: str = "", occurred_at=None) -> Event:
    """Write the event and a pending delivery for every active endpoint that receives
    `type`; once the caller's transaction commits, the deliveries are enqueued (a broker
    that is down is the sweep's business). `data` is the snapshot (dates and decimals
    become strings); events with the same `ordering_key` reach each endpoint in order.
    An unknown `type` is a programming error."""
    EventType(type)
    now = timezone.now()
    occurred_at = occurred_at or now
    body = {
        "type": type,
        "timestamp": occurred_at.isoformat(),
        "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
    }
    with transaction.atomic():
        event = Event.objects.create(
            type=type,
            payload=body,
            ordering_key=ordering_key,
            occurred_at=occurred_at,
            created_at=now,
        )
        endpoints = Endpoint.objects.filter(is_active=True).filter(
            Q(event_types=[]) | Q(event_types__contains=[type])
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                event=event,
                endpoint_id=endpoint_id,
                ordering_key=ordering_key,
                next_attempt_at=now,
                enqueued_at=now,
                created_at=now,
            )
            for endpoint_id in endpoints.values_list("pk", flat=True)
        )
        ids = [delivery.pk for delivery in deliveries]
        if ids:
            transaction.on_commit(lambda: deliveries_enqueue(ids))
    return event
