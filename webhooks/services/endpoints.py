"""Endpoints: made (with a secret shown once), changed, disabled and enabled, and their
secret rotated. Every rule is checked here (`webhooks.rules`), so the desk's screens and the
REST API refuse the same things with the same words; every action is audited."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import AuditAction
from core.errors import ServiceError
from core.fsm import record_lock
from core.services.audit import audit_record
from core.services.submissions import submission_once
from webhooks.models import Delivery, Endpoint, EndpointSecret, secret_new
from webhooks.rules import description_problem, event_types_problem, name_problem, url_problem
from webhooks.services.delivery import deliveries_sweep

_MISSING = gettext_lazy("That webhook endpoint does not exist.")


@dataclass(frozen=True)
class NewSecret:
    endpoint: Endpoint
    secret: str  # shown once; empty when nothing new was made (the same form sent again)


def _lock(endpoint_id: int) -> Endpoint:
    return record_lock(Endpoint.objects, endpoint_id, expected_state=None, missing=_MISSING)


def _cleaned(*, name: str, url: str, description: str, event_types) -> dict:
    """The endpoint's fields, checked: a ServiceError with every problem, or the values."""
    name, url, description = (name or "").strip(), (url or "").strip(), (description or "").strip()
    if isinstance(event_types, str) or not all(isinstance(t, str) for t in event_types or []):
        raise ServiceError(_("Event types are a list of type names."), code="event_types")
    types = sorted(set(event_types or []))
    problems = [
        problem
        for problem in (
            name_problem(name),
            url_problem(url),
            description_problem(description),
            event_types_problem(types),
        )
        if problem
    ]
    if problems:
        raise ServiceError(problems[0], code="invalid", details=problems)
    return {"name": name, "url": url, "description": description, "event_types": types}


def _audit_data(endpoint: Endpoint) -> dict:
    return {"name": endpoint.name, "url": endpoint.url, "event_types": endpoint.event_types}


def endpoint_create(
    *, user, name: str, url: str, description: str = "", event_types=(), submission=None
) -> NewSecret:
    """An active endpoint receiving `event_types` (empty: every type), with its first
    secret. `submission`: the form's one-time key (sent twice, one endpoint)."""
    values = _cleaned(name=name, url=url, description=description, event_types=event_types)
    made: list[str] = []

    def create() -> Endpoint:
        endpoint = Endpoint.objects.create(**values, created_by=_person(user))
        secret = EndpointSecret.objects.create(endpoint=endpoint, secret=secret_new())
        made.append(secret.secret)
        audit_record(
            subject=endpoint,
            action=AuditAction.WEBHOOK_ENDPOINT_CREATE,
            user=user,
            data=_audit_data(endpoint),
        )
        return endpoint

    with transaction.atomic():
        endpoint = submission_once(
            kind="webhook_endpoint", key=submission, user=user, model=Endpoint, create=create
        )
    return NewSecret(endpoint=endpoint, secret=made[0] if made else "")


def _person(user):
    return user if user is not None and user.is_authenticated else None


def endpoint_update(
    *, endpoint_id: int, user, name: str, url: str, description: str = "", event_types=()
) -> Endpoint:
    """New name, URL, description or event types. Deliveries still pending go to the new
    URL; the event types apply to events from now on."""
    values = _cleaned(name=name, url=url, description=description, event_types=event_types)
    with transaction.atomic():
        endpoint = _lock(endpoint_id)
        before = _audit_data(endpoint)
        changed = [field for field, value in values.items() if getattr(endpoint, field) != value]
        if not changed:
            return endpoint
        for field in changed:
            setattr(endpoint, field, values[field])
        endpoint.save(update_fields=[*changed, "updated_at"])
        audit_record(
            subject=endpoint,
            action=AuditAction.WEBHOOK_ENDPOINT_UPDATE,
            user=user,
            data={"before": before, "after": _audit_data(endpoint)},
        )
    return endpoint


def endpoint_disable(*, endpoint_id: int, user, reason: str = "") -> Endpoint:
    """Nothing is sent to it until it is enabled; events meanwhile are not kept for it (a
    time range can be sent again after enabling)."""
    reason = (reason or "").strip()[:500]
    with transaction.atomic():
        endpoint = _lock(endpoint_id)
        if not endpoint.is_active:
            raise ServiceError(_("This endpoint is already disabled."), code="disabled")
        endpoint.is_active, endpoint.disabled_at = False, timezone.now()
        endpoint.disabled_reason = reason or _("Disabled by %(name)s.") % {
            "name": getattr(user, "display_name", "") or _("an integration")
        }
        endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
        audit_record(
            subject=endpoint,
            action=AuditAction.WEBHOOK_ENDPOINT_DISABLE,
            user=user,
            note=endpoint.disabled_reason,
        )
    return endpoint


def endpoint_enable(*, endpoint_id: int, user) -> Endpoint:
    """Active again: what was still pending for it is sent from now, in order, with a new
    window of WEBHOOKS_MAX_AGE_HOURS."""
    now = timezone.now()
    with transaction.atomic():
        endpoint = _lock(endpoint_id)
        if endpoint.is_active:
            raise ServiceError(_("This endpoint is already active."), code="active")
        endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
        endpoint.failing_since = None
        endpoint.save(
            update_fields=[
                "is_active",
                "disabled_at",
                "disabled_reason",
                "failing_since",
                "updated_at",
            ]
        )
        Delivery.objects.filter(endpoint=endpoint, status="pending").update(
            next_attempt_at=now, first_attempt_at=None, enqueued_at=None
        )
        audit_record(subject=endpoint, action=AuditAction.WEBHOOK_ENDPOINT_ENABLE, user=user)
        transaction.on_commit(lambda: deliveries_sweep(endpoint_id=endpoint.pk))
    return endpoint


def endpoint_secret_rotate(*, endpoint_id: int, user) -> NewSecret:
    """A new current secret (returned, to show once). The old one keeps signing for
    WEBHOOKS_SECRET_GRACE_HOURS, so the receiver can switch without losing an event:
    meanwhile every delivery carries both signatures."""
    now = timezone.now()
    expires = now + timedelta(hours=settings.WEBHOOKS_SECRET_GRACE_HOURS)
    with transaction.atomic():
        endpoint = _lock(endpoint_id)
        # A secret already retiring keeps its own (earlier) expiry.
        EndpointSecret.objects.filter(endpoint=endpoint, expires_at__isnull=True).update(
            expires_at=expires
        )
        secret = EndpointSecret.objects.create(endpoint=endpoint, secret=secret_new())
        audit_record(
            subject=endpoint,
            action=AuditAction.WEBHOOK_SECRET_ROTATE,
            user=user,
            data={"new": secret.prefix, "old_valid_until": expires.isoformat()},
        )
    return NewSecret(endpoint=endpoint, secret=secret.secret)
