"""The cancellation logic tree (해약 방어 로직트리) as a django-fsm state machine.

Transition methods only change the instance; the services in
`retention.services.cancellations` lock the row, validate, call them, save, audit and
enqueue follow-up work. Guards are `conditions=[...]` and read the instance only.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A create sent with a one-time key that the form carried. The key is stored in the same
    transaction as the row it created, so the same key sent again (a double click, a retry,
    twenty identical posts at once) returns that row instead of making another."""

    kind = models.CharField(_("kind"), max_length=40)
    key = models.UUIDField(_("key"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    object_id = models.BigIntegerField(_("created"), null=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="submission_once"),
        ]
        indexes = [models.Index(fields=["created_at"], name="submission_created_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class AuditEntry(models.Model):
    """Who did what to which object, when, and from which state to which.

    Written by the services in the same transaction as the change, so a rolled-back change
    leaves no entry. Shared by both state machines and the supervisor's actions.
    """

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    action = models.CharField(_("action"), max_length=40)
    source = models.CharField(_("from"), max_length=30, blank=True)
    target = models.CharField(_("to"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"], name="audit_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.source}→{self.target}"
