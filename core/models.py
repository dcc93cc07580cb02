"""The shared kernel's records: the audit trail both machines write, and the one-time keys
that make a create happen once."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import AuditAction


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
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
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


class HandledCall(models.Model):
    """What both machines' records share (a cancellation request, a claim): the agent who
    handles it, the customer's type from the playbook, the notes and who wrote them last,
    and when the customer asked for a manager. The services for these are
    `core.services.handling`, one for both."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handled_%(class)ss",
        verbose_name=_("agent"),
    )
    customer_type = models.ForeignKey(
        "catalog.CustomerType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer type"),
    )
    notes = models.TextField(_("notes"), blank=True)
    notes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("notes last written by"),
    )
    manager_requested_at = models.DateTimeField(
        _("customer asked for a manager"), null=True, blank=True
    )
    # The telephone call it was handled on (its id and recording), when the telephone
    # system tells the desk about calls.
    phone_call = models.ForeignKey(
        "calls.PhoneCall",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("phone call"),
    )

    class Meta:
        abstract = True
