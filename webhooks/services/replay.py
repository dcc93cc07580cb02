"""Sending again: one delivery, or everything an endpoint should have had in a time range.
Always under the event's own `webhook-id`, so a receiver that already has it drops it."""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import AuditAction
from core.errors import ServiceError
from core.fsm import record_lock
from core.services.audit import audit_record
from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, Endpoint, Event
from webhooks.services.delivery import deliveries_sweep

_MISSING_DELIVERY = gettext_lazy("That delivery does not exist.")
_MISSING_ENDPOINT = gettext_lazy("That webhook endpoint does not exist.")


def _check_active(endpoint: Endpoint) -> None:
    if not endpoint.is_active:
        raise ServiceError(
            _("Enable the endpoint before sending anything to it again."), code="disabled"
        )


def delivery_replay(*, delivery_id: int, user) -> Delivery:
    """Send one delivery again (delivered, failed, or waiting for its next attempt: now),
    with a new window of attempts. It keeps its place in its line: while an earlier event
    of the same ordering key is pending, it waits for it."""
    now = timezone.now()
    with transaction.atomic():
        delivery = record_lock(
            Delivery.objects.select_related("endpoint", "event"),
            delivery_id,
            expected_state=None,
            missing=_MISSING_DELIVERY,
        )
        _check_active(delivery.endpoint)
        delivery.replay(now)
        delivery.save(
            update_fields=["status", "next_attempt_at", "first_attempt_at", "enqueued_at"]
        )
        audit_record(
            subject=delivery.endpoint,
            action=AuditAction.WEBHOOK_REPLAY,
            user=user,
            data={"delivery": delivery.pk, "webhook_id": delivery.event.webhook_id},
        )
        endpoint_id = delivery.endpoint_id
        transaction.on_commit(lambda: deliveries_sweep(endpoint_id=endpoint_id))
    return delivery


_MISSED_SQL = """
INSERT INTO {delivery} (event_id, endpoint_id, ordering_key, status, attempts,
                        next_attempt_at, last_error, created_at)
SELECT e.id, %(endpoint)s, e.ordering_key, 'pending', 0, %(now)s, '', %(now)s
  FROM {event} e
 WHERE e.created_at >= %(since)s AND e.created_at < %(until)s {types}
ON CONFLICT (event_id, endpoint_id) DO NOTHING
"""


def deliveries_replay(*, endpoint_id: int, since: datetime, until: datetime, user) -> int:
    """Send again every event of the endpoint's types written in [since, until), in order:
    those it had (delivered, failed or pending) and those it never had (it was disabled, or
    made later). Returns how many deliveries will be sent."""
    now = timezone.now()
    if not isinstance(since, datetime) or not isinstance(until, datetime):
        raise ServiceError(_("Give the start and the end of the time range."), code="range")
    if timezone.is_naive(since) or timezone.is_naive(until):
        raise ServiceError(_("Give the time range with its time zone."), code="range")
    if since >= until:
        raise ServiceError(_("The end of the range must be after its start."), code="range")
    with transaction.atomic():
        endpoint = record_lock(
            Endpoint.objects, endpoint_id, expected_state=None, missing=_MISSING_ENDPOINT
        )
        _check_active(endpoint)
        params = {"endpoint": endpoint.pk, "now": now, "since": since, "until": until}
        types = ""
        if endpoint.event_types:
            types, params["types"] = "AND e.type = ANY(%(types)s)", list(endpoint.event_types)
        with connection.cursor() as cursor:
            cursor.execute(
                _MISSED_SQL.format(
                    delivery=Delivery._meta.db_table, event=Event._meta.db_table, types=types
                ),
                params,
            )
        count = Delivery.objects.filter(
            endpoint=endpoint, event__created_at__gte=since, event__created_at__lt=until
        ).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            first_attempt_at=None,
            enqueued_at=None,
        )
        audit_record(
            subject=endpoint,
            action=AuditAction.WEBHOOK_REPLAY,
            user=user,
            data={"since": since.isoformat(), "until": until.isoformat(), "deliveries": count},
        )
        transaction.on_commit(lambda: deliveries_sweep(endpoint_id=endpoint.pk))
    return count
