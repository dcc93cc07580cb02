"""Post-handling: the deadline promised to the customer, and the sweep (Celery beat, every
minute) that flags overdue and idle claims and plans the interim contacts that are due."""

from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.choices import CallTaskKind
from calls.services.planning import call_task_request
from claims.choices import ClaimState, FlagReason
from claims.models import Claim
from claims.services.common import _check_may_handle, _lock
from core.choices import AuditAction
from core.errors import ServiceError
from core.models import AuditEntry
from core.services.audit import audit_record
from core.updates import FLOOR_KEY, QUEUE_KEY, update_key, updates_bump

S = ClaimState


def claim_set_deadline(*, claim_id: int, user, deadline: datetime) -> Claim:
    """The deadline promised to the customer (대기기한). A new promise clears a deadline flag."""
    if deadline is None or timezone.is_naive(deadline):
        raise ServiceError(_("Give the date and time promised to the customer."), code="deadline")
    if deadline <= timezone.now():
        raise ServiceError(_("The promised deadline must be in the future."), code="deadline")
    with transaction.atomic():
        claim = _lock(claim_id, None)
        _check_may_handle(claim, user)
        if not claim.is_open:
            raise ServiceError(_("This claim is closed."), code="closed")
        claim.promised_deadline = deadline
        if claim.flag_reason in (FlagReason.DEADLINE, FlagReason.IDLE):
            claim.flagged_at, claim.flag_reason = None, ""
        claim.last_activity_at = timezone.now()
        with pghistory.context(user=user.pk):
            claim.save()
        audit_record(
            subject=claim,
            action=AuditAction.PROMISE_DEADLINE,
            source=claim.state,
            target=claim.state,
            user=user,
            data={"deadline": deadline.isoformat()},
        )
    return claim


# ---- the sweep (Celery beat, every minute) ---------------------------------------------------


def claims_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Flag claims past their promised deadline or idle too long for their step, and plan the
    interim contacts that have come due. Safe to run as often as beat likes, even twice at
    once: each claim is flagged once (the UPDATE only takes unflagged rows) and each interim
    contact has its own idempotency key."""
    now = now or timezone.now()
    open_unflagged = Claim.objects.exclude(state=S.CLOSED).filter(flagged_at__isnull=True)
    with transaction.atomic():
        past_deadline = list(
            open_unflagged.filter(promised_deadline__lt=now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Claim.objects.filter(pk__in=past_deadline, flagged_at__isnull=True).update(
            flagged_at=now, flag_reason=FlagReason.DEADLINE
        )
        idle_filter = Q(pk__in=[])  # no idle limits configured: nothing is idle
        for state, hours in settings.CLAIMS_IDLE_HOURS.items():
            idle_filter |= Q(state=state, last_activity_at__lt=now - timedelta(hours=hours))
        idle = list(
            open_unflagged.exclude(pk__in=past_deadline)
            .filter(idle_filter)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)
        )
        Claim.objects.filter(pk__in=idle, flagged_at__isnull=True).update(
            flagged_at=now, flag_reason=FlagReason.IDLE
        )
        _audit_flags(past_deadline, FlagReason.DEADLINE, now)
        _audit_flags(idle, FlagReason.IDLE, now)
    interim = _interim_contacts_plan(now)
    return {"past_deadline": len(past_deadline), "idle": len(idle), "interim_contacts": interim}


def _audit_flags(claim_ids: list[int], reason: str, now: datetime) -> None:
    if not claim_ids:
        return

    claim_type = ContentType.objects.get_for_model(Claim)
    # The flags show on the claims, in the queue (an idle claim) and on the floor.
    updates_bump([*(update_key(Claim, claim_id) for claim_id in claim_ids), QUEUE_KEY, FLOOR_KEY])
    AuditEntry.objects.bulk_create(
        AuditEntry(
            subject_type=claim_type,
            subject_id=claim_id,
            action=AuditAction.FLAG,
            data={"reason": reason},
            at=now,
        )
        for claim_id in claim_ids
    )


def _interim_contacts_plan(now: datetime) -> int:
    """While a claim is in progress the customer hears from us every few days."""
    interval = timedelta(days=settings.CLAIMS_INTERIM_CONTACT_DAYS)
    planned = 0
    with transaction.atomic():
        due = (
            Claim.objects.exclude(state__in=[S.CLOSED, S.RECEIVED])
            .filter(next_contact_due__lte=now)
            .select_for_update(skip_locked=True)
        )
        for claim in due:
            claim.interim_contacts += 1
            call_task_request(
                kind=CallTaskKind.CLAIM_INTERIM,
                customer_id=claim.customer_id,
                contract_id=claim.contract_id,
                claim_id=claim.pk,
                due_at=claim.next_contact_due,
                assignee_id=claim.agent_id,
                idempotency_key=f"claim-interim:{claim.pk}:{claim.interim_contacts}",
            )
            claim.next_contact_due = max(claim.next_contact_due + interval, now + interval)
            claim.save(update_fields=["interim_contacts", "next_contact_due", "updated_at"])
            planned += 1
    return planned
