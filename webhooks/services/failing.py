"""An endpoint that keeps failing: "no successful delivery for WEBHOOKS_MAX_AGE_HOURS while
it has failures" is decided when a delivery is given up after its window, by asking whether
anything reached the endpoint since that delivery's first attempt. Then the endpoint is
disabled (nothing more is queued or sent for it), audited, and everyone who may manage
webhooks gets a mail in their own language."""

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.choices import AuditAction
from core.services.audit import audit_record
from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, Endpoint

log = logging.getLogger(__name__)


def endpoint_disable_if_failing(*, delivery: Delivery, now: datetime, said: str) -> None:
    """`delivery` was given up after WEBHOOKS_MAX_AGE_HOURS (called in that transaction,
    holding its lock): if nothing reached its endpoint all that time, the endpoint is
    disabled, audited, and its admins are told once this commits. `said` is the last
    answer, for the reason."""
    delivered_since = Delivery.objects.filter(
        endpoint_id=delivery.endpoint_id,
        status=DeliveryStatus.DELIVERED,
        delivered_at__gte=delivery.first_attempt_at,
    )
    if delivered_since.exists():
        return
    endpoint = Endpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if not endpoint.is_active:
        return
    with connection.cursor() as cursor:  # admins are told of this: it must not be forgotten
        cursor.execute("SET LOCAL synchronous_commit TO ON")
    hours = settings.WEBHOOKS_MAX_AGE_HOURS
    endpoint.is_active, endpoint.disabled_at = False, now
    endpoint.disabled_reason = _(
        "Nothing was delivered for %(hours)d hours; the last answer was: %(said)s"
    ) % {"hours": hours, "said": said}
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    audit_record(
        subject=endpoint,
        action=AuditAction.WEBHOOK_ENDPOINT_FAILING,
        user=None,
        note=endpoint.disabled_reason,
        data={"delivery": delivery.pk, "since": delivery.first_attempt_at.isoformat()},
    )
    transaction.on_commit(lambda: endpoint_admins_tell(endpoint_id=endpoint.pk))


def endpoint_admins(*, with_email: bool = True) -> QuerySet:
    """Everyone who may manage webhooks (the permission through a role or their own)."""
    permission = Permission.objects.filter(
        content_type__app_label="webhooks", codename="manage_webhooks"
    ).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    admins = get_user_model().objects.filter(who, is_active=True)
    if with_email:
        admins = admins.exclude(email="")
    return admins.distinct().order_by("pk")


def endpoint_admins_tell(*, endpoint_id: int) -> int:
    """Mail every webhook admin, in their language, that the endpoint was disabled (after
    the commit that disabled it). Returns how many were told."""
    endpoint = Endpoint.objects.get(pk=endpoint_id)
    link = settings.SITE_URL.rstrip("/") + reverse("webhook_endpoint", args=[endpoint.pk])
    told = 0
    for admin in endpoint_admins():
        with translation.override(getattr(admin, "language", None) or settings.LANGUAGE_CODE):
            subject = _("Webhook endpoint %(name)s was disabled") % {"name": endpoint.name}
            body = _(
                "The webhook endpoint %(name)s (%(url)s) was disabled: %(reason)s\n\n"
                "Events are not sent to it until it is enabled again. When the receiver "
                "works again, enable it and send the missed events again:\n%(link)s"
            ) % {
                "name": endpoint.name,
                "url": endpoint.url,
                "reason": endpoint.disabled_reason,
                "link": link,
            }
        try:
            send_mail(subject, body, None, [admin.email])
        except Exception:  # the mail server is down: the audit trail and the screen say it
            log.warning(
                "could not tell %s that webhook endpoint %s is disabled", admin.pk, endpoint_id
            )
        else:
            told += 1
    return told
