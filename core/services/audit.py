"""The audit trail: who did what to which record, when, from which state to which."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.choices import AuditAction
from core.models import AuditEntry


def audit_record(
    *,
    subject: models.Model,
    action: AuditAction | str,
    user,
    source: str = "",
    target: str = "",
    note: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Write one audit entry. Call inside the transaction that makes the change. `action` is
    an AuditAction (a transition's name is one): anything else is a programming error."""
    action = AuditAction(action)
    return AuditEntry.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        action=action,
        source=source,
        target=target,
        user=user if user is not None and user.is_authenticated else None,
        note=note,
        data=data or {},
    )
