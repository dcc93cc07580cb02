"""The audit trail: who did what to which record, when, from which state to which.

A change made for someone who is not a desk user (an integration through the API) is
recorded with the user empty and the actor in the entry's data: `audit_actor` sets it for
everything audited inside its block, whichever service writes the entry."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.choices import AuditAction
from core.models import AuditEntry
from core.updates import desk_keys, subject_keys, updates_bump

_ACTOR: ContextVar[dict | None] = ContextVar("audit_actor", default=None)


def audit_actor_set(**actor: str) -> Token:
    """From now on, everything audited names this actor too (e.g. `api_key="rdk_1a2b3c4d"`),
    until `audit_actor_reset(token)`."""
    return _ACTOR.set({**(_ACTOR.get() or {}), **actor})


def audit_actor_reset(token: Token) -> None:
    _ACTOR.reset(token)


@contextmanager
def audit_actor(**actor: str) -> Iterator[None]:
    """Everything audited inside the block names this actor too."""
    token = audit_actor_set(**actor)
    try:
        yield
    finally:
        audit_actor_reset(token)


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
    an AuditAction (a transition's name is one): anything else is a programming error.
    Once the change commits, the screens showing the subject see a new version
    (`core.updates`): its own, its customer's, and the supervisors' queue and floor when
    the subject is what they are made of (a request, a claim, a call)."""
    action = AuditAction(action)
    updates_bump([*subject_keys(subject), *desk_keys(subject)])
    return AuditEntry.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        action=action,
        source=source,
        target=target,
        user=user if user is not None and user.is_authenticated else None,
        note=note,
        data={**(_ACTOR.get() or {}), **(data or {})},
    )
