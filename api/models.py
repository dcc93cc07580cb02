"""The API's own records: the keys integrations use, and the answers kept for a POST sent
again with the same `Idempotency-Key`."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.choices import Scope


class ApiKey(models.Model):
    """One integration's key (billing, the telephone system, a BI tool). Only the SHA-256 of
    the secret is kept: the key is shown once, when it is made. Keys are long random strings,
    so a fast hash is safe (there is nothing to guess from it); the prefix tells keys apart
    in lists and logs."""

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = ArrayField(
        models.CharField(max_length=24, choices=Scope.choices), verbose_name=_("scopes")
    )
    rate_limit_per_minute = models.PositiveIntegerField(_("requests a minute"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]
        permissions = [("manage_api_keys", _("Can create and revoke API keys"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_limit_per_minute__gte=1), name="api_key_rate_limit_gte_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A POST that creates, sent with an `Idempotency-Key`: the first one's answer, replayed
    for the same key and body; the same key with another body is refused. Written in the
    request's own transaction, so a request that failed leaves the key free for a retry."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="idempotent_request_once")
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created_idx")]

    def __str__(self) -> str:
        return f"{self.api_key_id}:{self.key}"
