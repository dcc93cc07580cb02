"""Planned outbound calls. The database is the source of truth; beat dispatches what is due.

Other flows ask for a call through `retention.services.calls.call_task_request`, which is
idempotent on `idempotency_key`, so a retried transition never plans the same call twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
