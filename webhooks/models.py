"""Webhooks out: the endpoints other systems gave us, their signing secrets, and the outbox.

An `Event` is written by the service that makes the change, in the same transaction, with a
`Delivery` for every endpoint that receives its type: a committed change always has its
event and a rolled-back one never does. Celery sends what is due and the rows keep the truth
(attempts, the next attempt, what the receiver answered), so a lost message or a killed
worker delays a delivery but never loses it. Headers and signatures follow the Standard
Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
"""

import base64
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from webhooks.choices import DeliveryStatus, EventType

SECRET_PREFIX = "whsec_"


def webhook_id_new() -> str:
    """The `webhook-id` of an event: the same on every attempt and every replay."""
    return f"msg_{uuid.uuid4().hex}"


def secret_new() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


class Endpoint(models.Model):
    """A URL of another system that receives some (or all) event types.

    `event_types` empty means every type, including types added later. An endpoint that
    has not taken a delivery for WEBHOOKS_MAX_AGE_HOURS while failing is disabled
    (`disabled_at`, `disabled_reason`) and its administrators are told."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    event_types = ArrayField(
        models.CharField(max_length=40, choices=EventType.choices),
        verbose_name=_("event types"),
        default=list,
        blank=True,
        help_text=_("Empty: every event type, including types added later."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.TextField(_("why it was disabled"), blank=True)
    # The first failed attempt since the last delivery that succeeded (none: healthy).
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]
        permissions = [("manage_webhooks", _("Can manage webhook endpoints"))]

    def __str__(self) -> str:
        return self.name

    @property
    def receives_all(self) -> bool:
        return not self.event_types

    def receives(self, event_type: str) -> bool:
        return self.receives_all or event_type in self.event_types

    def get_event_types_display(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(value, value)) for value in self.event_types]


class EndpointSecret(models.Model):
    """A signing secret. `expires_at` empty: the current one. A rotation makes a new one
    and gives the old one an expiry after the grace period; until then both sign."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.PROTECT, related_name="secrets")
    secret = models.CharField(_("secret"), max_length=100)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("endpoint secret")
        verbose_name_plural = _("endpoint secrets")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint"],
                condition=Q(expires_at__isnull=True),
                name="webhook_one_current_secret",
            ),
        ]

    def __str__(self) -> str:
        return self.prefix

    @property
    def signs(self) -> bool:
        """Current, or retiring and not expired yet."""
        return self.expires_at is None or self.expires_at > timezone.now()

    @property
    def prefix(self) -> str:
        """What is shown after the secret was shown once: enough to tell two apart."""
        return self.secret[: len(SECRET_PREFIX) + 4] + "…"


class Event(models.Model):
    """One row of the outbox: what happened, as the JSON body every endpoint receives.

    `payload` is the whole body (`type`, `timestamp`, `data`). Events with the same
    `ordering_key` (`contract:<id>`, `customer:<id>`) reach each endpoint in the order they
    were written (`id`)."""

    webhook_id = models.CharField(
        _("webhook id"), max_length=40, unique=True, default=webhook_id_new, editable=False
    )
    type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("payload"))
    ordering_key = models.CharField(_("ordering key"), max_length=60, blank=True)
    occurred_at = models.DateTimeField(_("occurred"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [models.Index(fields=["created_at"], name="webhook_event_created_idx")]

    def __str__(self) -> str:
        return f"{self.type} {self.webhook_id}"


class Delivery(FSMModelMixin, models.Model):
    """One event for one endpoint: pending until a 2xx is recorded (delivered), or failed
    permanently when WEBHOOKS_MAX_AGE_HOURS passed since its first attempt. A replay makes
    it pending again, under the same `webhook-id`.

    `ordering_key` is the event's, copied so the head of each (endpoint, key) line is found
    by one index; `enqueued_at` is when a message was last put on the broker for it, so the
    sweep sends a lost one again without flooding the queue."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="deliveries")
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    ordering_key = models.CharField(max_length=60, blank=True)
    status = FSMField(
        _("status"),
        max_length=12,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        protected=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once"),
        ]
        indexes = [
            # The sweep: what is due.
            models.Index(
                fields=["next_attempt_at"],
                name="webhook_delivery_due_idx",
                condition=Q(status="pending"),
            ),
            # In order: the earliest pending delivery of each (endpoint, ordering key).
            models.Index(
                fields=["endpoint", "ordering_key", "event"],
                name="webhook_delivery_line_idx",
                condition=Q(status="pending"),
            ),
            # The delivery log, newest first, and a time range to replay.
            models.Index(fields=["endpoint", "-id"], name="webhook_delivery_log_idx"),
            models.Index(
                fields=["endpoint", "-delivered_at"],
                name="webhook_delivery_last_idx",
                condition=Q(status="delivered"),
            ),
            models.Index(
                fields=["endpoint"],
                name="webhook_delivery_failed_idx",
                condition=Q(status="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"

    # ---- the lifecycle (services lock the row, call one of these, save) ---------------------

    @transition(field=status, source=DeliveryStatus.PENDING, target=DeliveryStatus.DELIVERED)
    def succeed(self, now):
        self.delivered_at, self.next_attempt_at = now, None

    @transition(field=status, source=DeliveryStatus.PENDING, target=DeliveryStatus.FAILED)
    def give_up(self):
        self.next_attempt_at = None

    @transition(
        field=status,
        source=[DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
        target=DeliveryStatus.PENDING,
    )
    def replay(self, now):
        """Send again from now, with a new window of WEBHOOKS_MAX_AGE_HOURS."""
        self.next_attempt_at, self.first_attempt_at, self.enqueued_at = now, None, None


class DeliveryAttempt(models.Model):
    """The delivery log: every attempt, what the receiver answered (or why nothing came
    back) and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempts_made")
    at = models.DateTimeField(_("when"))
    status_code = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        verbose_name = _("webhook delivery attempt")
        verbose_name_plural = _("webhook delivery attempts")
        indexes = [models.Index(fields=["delivery", "at"], name="webhook_attempt_idx")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
