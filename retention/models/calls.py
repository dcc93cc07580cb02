"""Planned outbound calls. The database is the source of truth; beat dispatches what is due.

Other flows ask for a call through `retention.services.calls.call_task_request`, which is
idempotent on `idempotency_key`, so a retried transition never plans the same call twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retention.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus


class CallTask(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=CallTaskKind.choices)
    customer = models.ForeignKey(
        "retention.Customer", on_delete=models.PROTECT, related_name="call_tasks"
    )
    contract = models.ForeignKey(
        "retention.Contract", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancellation_request = models.ForeignKey(
        "retention.CancellationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    claim = models.ForeignKey(
        "claims.Claim",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    due_at = models.DateTimeField(_("due"))
    queue = models.CharField(
        _("queue"), max_length=12, choices=CallQueue.choices, default=CallQueue.AGENTS
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CallTaskStatus.choices,
        default=CallTaskStatus.SCHEDULED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices, blank=True)
    result = models.TextField(_("what was said"), blank=True)
    win_back = models.ForeignKey(
        "retention.WinBackCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="call_tasks",
    )
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("taken"), null=True, blank=True)
    priority = models.BigIntegerField(_("priority"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("call task")
        verbose_name_plural = _("call tasks")
        ordering = ["due_at"]
        permissions = [("work_specialist_queue", _("Can take calls from the specialists' queue"))]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="calltask_scheduled_due_idx",
                condition=Q(status="scheduled"),
            ),
            models.Index(fields=["customer", "-due_at"], name="calltask_customer_idx"),
            models.Index(
                fields=["queue", "due_at"],
                name="calltask_open_queue_idx",
                condition=Q(status__in=["scheduled", "due", "in_progress"]),
            ),
            models.Index(
                fields=["assignee", "due_at"],
                name="calltask_open_assignee_idx",
                condition=Q(status__in=["scheduled", "due", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_at:%Y-%m-%d %H:%M}"


class CoachingNote(models.Model):
    """A supervisor's note to an agent, shown on the agent's home page (the feedback loop
    from what supervisors see in calls and win-back diagnoses back to the front line)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("coaching note")
        verbose_name_plural = _("coaching notes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agent", "-created_at"], name="coaching_agent_idx")]

    def __str__(self) -> str:
        return f"{self.author_id} → {self.agent_id}"
