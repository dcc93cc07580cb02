"""API keys: made (the secret shown once), revoked, and checked on every request."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.choices import Scope
from api.models import ApiKey
from core.choices import AuditAction
from core.errors import ServiceError
from core.fsm import record_lock
from core.services.audit import audit_record

KEY_PREFIX = "rdk_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8  # rdk_ and 8 hex digits: the part shown in lists
# last_used_at is written at most this often per key, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class NewKey:
    key: ApiKey
    plaintext: str  # shown once, never stored


def api_key_create(*, user, name: str, scopes: list[str], rate_limit_per_minute: int | None = None):
    """Make a key for an integration; returns it with its secret, which is not kept."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the key a name that says which system uses it."))
    unknown = sorted(set(scopes) - set(Scope.values))
    if not scopes or unknown:
        raise ServiceError(_("Choose at least one scope from the list."))
    limit = rate_limit_per_minute or settings.API_RATE_LIMIT_PER_MINUTE
    if not 1 <= limit <= settings.API_RATE_LIMIT_MAX:
        raise ServiceError(
            _("The rate limit must be between 1 and %(max)s requests a minute.")
            % {"max": f"{settings.API_RATE_LIMIT_MAX:,}"}
        )
    prefix = f"{KEY_PREFIX}{secrets.token_hex(4)}"
    plaintext = f"{prefix}_{secrets.token_urlsafe(30)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name[:80],
            prefix=prefix,
            secret_hash=_hash(plaintext),
            scopes=sorted(set(scopes)),
            rate_limit_per_minute=limit,
            created_by=user,
        )
        audit_record(
            subject=key,
            action=AuditAction.API_KEY_CREATE,
            user=user,
            data={"prefix": prefix, "scopes": key.scopes},
        )
    return NewKey(key=key, plaintext=plaintext)


def api_key_revoke(*, user, key_id: int) -> ApiKey:
    with transaction.atomic():
        key = record_lock(
            ApiKey.objects, key_id, expected_state=None, missing=_("That API key does not exist.")
        )
        if key.revoked_at:
            raise ServiceError(_("This key is already revoked."))
        key.revoked_at, key.revoked_by = timezone.now(), user
        key.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            subject=key, action=AuditAction.API_KEY_REVOKE, user=user, data={"prefix": key.prefix}
        )
    return key


def api_key_for(presented: str) -> ApiKey | None:
    """The active key `presented` is, or None (unknown, malformed or revoked). One query;
    the comparison takes the same time whatever matches."""
    presented = presented or ""
    prefix = presented[:PREFIX_LENGTH]
    if not prefix.startswith(KEY_PREFIX) or presented[PREFIX_LENGTH : PREFIX_LENGTH + 1] != "_":
        return None
    if len(presented) > 200:
        return None
    key = ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(presented)):
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
