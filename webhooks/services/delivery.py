"""Sending the outbox: claim a due delivery, POST it signed, record what the receiver said.

One attempt is three steps, so no database lock is held while the receiver thinks:

1. *Claim* (a short transaction): lock the delivery (`skip_locked`: another worker has it),
   check it is due, its endpoint active and no earlier event of its line (same endpoint,
   same ordering key) still pending; count the attempt and push `next_attempt_at` out by
   WEBHOOKS_LEASE_SECONDS. A worker killed from here on leaves the delivery pending, and the
   sweep sends it again once the lease has run out: at least once, never lost.
2. *Send*: POST the stored body with the Standard Webhooks headers, signed with every
   valid secret of the endpoint, with a timeout and no redirects.
3. *Record* (a short transaction): the attempt in the log; a 2xx is delivered, anything
   else waits WEBHOOKS_RETRY_SECONDS (the Standard Webhooks schedule) and is given up
   WEBHOOKS_MAX_AGE_HOURS after the first attempt (`webhooks.services.failing` then
   decides about the endpoint). The next delivery of the line is enqueued at once.

Both transactions commit without waiting for the disk (`_unhurried_commit`): what they
record may be sent again after a database crash, never lost.
"""

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks import Webhook

from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, DeliveryAttempt, Endpoint, EndpointSecret
from webhooks.services.failing import endpoint_disable_if_failing

log = logging.getLogger(__name__)
# Enqueued by name: the task module imports this one.
ATTEMPT_TASK = "webhooks.tasks.delivery_attempt_task"
# A retry sooner than this is enqueued with a countdown; later ones are the sweep's.
SHORT_WAIT = timedelta(seconds=60)
# The last attempt is due at the end of the window; a claim this much later gives up unsent
# (attempts whose workers died used the time up).
LATE = timedelta(hours=1)
USER_AGENT = "RetentionDesk-Webhooks/1.0"
ERROR_MAX = 300
READ_MAX = 64 * 1024

P = DeliveryStatus


# ---- what is due, and the broker --------------------------------------------------------------


def deliveries_enqueue(ids: list[int], *, countdown: float | None = None) -> None:
    """Put an attempt for each delivery on the broker. A broker that is down is logged and
    forgotten: the rows are still due and the sweep enqueues them again."""
    for delivery_id in ids:
        try:
            current_app.send_task(ATTEMPT_TASK, args=[delivery_id], countdown=countdown)
        except Exception:
            log.warning("could not enqueue webhook delivery %s", delivery_id)
            return


def _earlier_in_line(endpoint, ordering_key, event) -> QuerySet:
    """Pending deliveries of earlier events in the same line (endpoint, ordering key)."""
    return Delivery.objects.filter(
        endpoint_id=endpoint, ordering_key=ordering_key, status=P.PENDING, event_id__lt=event
    )


def deliveries_due(*, now: datetime | None = None, endpoint_id: int | None = None) -> QuerySet:
    """Pending deliveries whose attempt is due, to active endpoints, each at the head of its
    line (nothing earlier with the same ordering key pending for the same endpoint), the
    longest waiting first."""
    now = now or timezone.now()
    earlier = _earlier_in_line(
        OuterRef("endpoint_id"), OuterRef("ordering_key"), OuterRef("event_id")
    )
    due = Delivery.objects.filter(
        status=P.PENDING, next_attempt_at__lte=now, endpoint__is_active=True
    ).filter(Q(ordering_key="") | ~Exists(earlier))
    if endpoint_id is not None:
        due = due.filter(endpoint_id=endpoint_id)
    return due.order_by("next_attempt_at", "pk")


def deliveries_sweep(
    *, now: datetime | None = None, endpoint_id: int | None = None, limit: int | None = None
) -> list[int]:
    """Beat, every minute: enqueue what is due and was not enqueued in the last
    WEBHOOKS_REQUEUE_MINUTES (a retry whose time came, a message the broker lost, a
    delivery whose worker died). Two sweeps at once never take the same row."""
    now = now or timezone.now()
    requeue = now - timedelta(minutes=settings.WEBHOOKS_REQUEUE_MINUTES)
    with transaction.atomic():
        ids = list(
            deliveries_due(now=now, endpoint_id=endpoint_id)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=requeue))
            .select_for_update(of=("self",), skip_locked=True)
            .values_list("pk", flat=True)[: limit or settings.WEBHOOKS_SWEEP_LIMIT]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids).update(enqueued_at=now)
            transaction.on_commit(lambda: deliveries_enqueue(ids))
    return ids


# ---- one attempt -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A claimed attempt: everything the send needs, read under the claim."""

    delivery_id: int
    attempt: int
    url: str
    webhook_id: str
    body: bytes
    secrets: tuple[str, ...]
    endpoint_failing: bool  # as the claim saw it: a success then clears `failing_since`


@dataclass(frozen=True)
class Answer:
    at: datetime
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def said(self) -> str:
        return f"HTTP {self.status_code}" if self.status_code is not None else self.error


def webhook_body(payload: dict) -> bytes:
    """The body as sent (and signed): compact JSON, UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def webhook_headers(*, webhook_id: str, at: datetime, body: bytes, secrets) -> dict[str, str]:
    """The Standard Webhooks headers: one `v1,` signature per valid secret, space-separated
    (during a rotation the receiver may still hold the old secret)."""
    signatures = " ".join(Webhook(secret).sign(webhook_id, at, body) for secret in secrets)
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (the last wait repeats)."""
    waits = settings.WEBHOOKS_RETRY_SECONDS
    return timedelta(seconds=waits[min(max(attempts, 1), len(waits)) - 1])


def delivery_attempt(*, delivery_id: int) -> str:
    """Attempt one delivery if it is due (a message that comes twice, or early, does
    nothing). Returns what became of it: `delivered`, `pending` (another attempt later),
    `failed`, or why nothing was sent (`busy`, `not_due`, `waiting`, ...)."""
    outgoing, why = _claim(delivery_id, timezone.now())
    if outgoing is None:
        return why
    return _record(outgoing, _send(outgoing))


def _max_age() -> timedelta:
    return timedelta(hours=settings.WEBHOOKS_MAX_AGE_HOURS)


def _unhurried_commit() -> None:
    """This transaction's commit need not wait for the disk. A database crash may forget its
    last fraction of a second: at worst a delivery is sent again under the same id (at least
    once, as promised), never lost, since the event and its pending delivery were committed
    durably by the change that wrote them. It takes about a quarter off each attempt."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _claim(delivery_id: int, now: datetime) -> tuple[Outgoing | None, str]:
    with transaction.atomic():
        _unhurried_commit()
        delivery = (
            Delivery.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None, "busy"  # another worker holds it (or it does not exist)
        if delivery.status != P.PENDING:
            return None, delivery.status
        if delivery.next_attempt_at is None or delivery.next_attempt_at > now:
            return None, "not_due"
        if not delivery.endpoint.is_active:
            return None, "endpoint_disabled"
        line = _earlier_in_line(delivery.endpoint_id, delivery.ordering_key, delivery.event_id)
        if delivery.ordering_key and line.exists():
            return None, "waiting"  # sent when the one before it is done
        if delivery.first_attempt_at and now >= delivery.first_attempt_at + _max_age() + LATE:
            # Its time ran out in attempts that never came back (their workers died).
            delivery.give_up()
            delivery.save(update_fields=["status", "next_attempt_at"])
            _line_next(delivery, now)
            endpoint_disable_if_failing(
                delivery=delivery, now=now, said=delivery.last_error or _("no answer")
            )
            return None, P.FAILED
        secrets = tuple(
            EndpointSecret.objects.filter(endpoint_id=delivery.endpoint_id)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("-created_at", "-pk")
            .values_list("secret", flat=True)
        )
        if not secrets:
            log.error("webhook endpoint %s has no valid secret", delivery.endpoint_id)
            return None, "no_secret"
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.next_attempt_at = now + timedelta(seconds=settings.WEBHOOKS_LEASE_SECONDS)
        delivery.save(update_fields=["attempts", "first_attempt_at", "next_attempt_at"])
        return (
            Outgoing(
                delivery_id=delivery.pk,
                attempt=delivery.attempts,
                url=delivery.endpoint.url,
                webhook_id=delivery.event.webhook_id,
                body=webhook_body(delivery.event.payload),
                secrets=secrets,
                endpoint_failing=delivery.endpoint.failing_since is not None,
            ),
            "claimed",
        )


_client: httpx.Client | None = None


def _http() -> httpx.Client:
    """One client per process (created after a worker forks), reusing connections."""
    global _client
    if _client is None:
        _client = httpx.Client(follow_redirects=False, headers={"user-agent": USER_AGENT})
    return _client


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)[:ERROR_MAX]


def _send(outgoing: Outgoing) -> Answer:
    at = timezone.now()
    headers = webhook_headers(
        webhook_id=outgoing.webhook_id, at=at, body=outgoing.body, secrets=outgoing.secrets
    )
    started = time.perf_counter()
    status, error = None, ""
    try:
        with _http().stream(
            "POST",
            outgoing.url,
            content=outgoing.body,
            headers=headers,
            timeout=settings.WEBHOOKS_TIMEOUT_SECONDS,
        ) as response:
            status, read = response.status_code, b""
            for chunk in response.iter_bytes():  # read (for keep-alive), within reason
                read += chunk
                if len(read) >= READ_MAX:
                    break
            if not 200 <= status < 300:
                error = _printable(read[:200].decode(errors="replace"))
    except Exception as problem:  # any failure to get an answer is this attempt's failure
        error = _printable(f"{type(problem).__name__}: {problem}")
    duration = int((time.perf_counter() - started) * 1000)
    return Answer(at=at, status_code=status, error=error, duration_ms=duration)


def _record(outgoing: Outgoing, answer: Answer) -> str:
    now = timezone.now()
    with transaction.atomic():
        _unhurried_commit()
        delivery = (
            Delivery.objects.select_for_update(of=("self",)).filter(pk=outgoing.delivery_id).first()
        )
        if delivery is None:
            return "missing"
        DeliveryAttempt.objects.create(
            delivery=delivery,
            at=answer.at,
            status_code=answer.status_code,
            error=answer.error,
            duration_ms=answer.duration_ms,
        )
        if delivery.status != P.PENDING or delivery.attempts != outgoing.attempt:
            return "superseded"  # claimed again after its lease ran out, and answered first
        delivery.last_attempt_at, delivery.last_duration_ms = answer.at, answer.duration_ms
        delivery.last_status_code, delivery.last_error = answer.status_code, answer.error
        # Replayed while this attempt was out: its new window starts with this attempt.
        delivery.first_attempt_at = delivery.first_attempt_at or answer.at
        fields = ["status", "next_attempt_at", "enqueued_at", "first_attempt_at"]
        fields += ["last_attempt_at", "last_duration_ms", "last_status_code", "last_error"]
        fields += ["delivered_at"]
        if answer.ok:
            delivery.succeed(now)
            delivery.save(update_fields=fields)
            if outgoing.endpoint_failing:
                Endpoint.objects.filter(
                    pk=delivery.endpoint_id, failing_since__isnull=False
                ).update(failing_since=None)
            _line_next(delivery, now)
            return P.DELIVERED
        Endpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=True).update(
            failing_since=answer.at
        )
        deadline = delivery.first_attempt_at + _max_age()
        if now >= deadline:
            delivery.give_up()
            delivery.save(update_fields=fields)
            _line_next(delivery, now)
            endpoint_disable_if_failing(delivery=delivery, now=now, said=answer.said)
            return P.FAILED
        wait = retry_wait(delivery.attempts)
        delivery.next_attempt_at = min(now + wait, deadline)
        if wait <= SHORT_WAIT:
            delivery.enqueued_at = now
            countdown = (delivery.next_attempt_at - now).total_seconds()
            transaction.on_commit(lambda: deliveries_enqueue([delivery.pk], countdown=countdown))
        delivery.save(update_fields=fields)
        return P.PENDING


def _line_next(delivery: Delivery, now: datetime) -> None:
    """The line moves on: enqueue the next pending delivery with the same ordering key."""
    if not delivery.ordering_key:
        return
    following = (
        Delivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            ordering_key=delivery.ordering_key,
            status=P.PENDING,
        )
        .order_by("event_id")
        .values_list("pk", "next_attempt_at")
        .first()
    )
    if following and following[1] is not None and following[1] <= now:
        Delivery.objects.filter(pk=following[0]).update(enqueued_at=now)
        transaction.on_commit(lambda: deliveries_enqueue([following[0]]))
