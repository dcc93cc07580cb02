"""Satisfaction surveys behind an unguessable, expiring, single-use link."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from retention.choices import SurveyTouchpoint


def survey_token_hash(token: str) -> str:
    """Only the hash is stored: a database leak does not leak working links."""
    return hashlib.sha256(token.encode()).hexdigest()


class Survey(models.Model):
    touchpoint = models.CharField(_("touchpoint"), max_length=14, choices=SurveyTouchpoint.choices)
    customer = models.ForeignKey(
        "retention.Customer", on_delete=models.PROTECT, related_name="surveys"
    )
    cancellation_request = models.ForeignKey(
        "retention.CancellationRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    win_back = models.ForeignKey(
        "retention.WinBackCase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
    )
    # Who handled what the survey is about (the request's or the claim's agent), copied at
    # creation so the coaching figures need no join to the working tables.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    emailed_at = models.DateTimeField(_("invitation emailed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    would_return = models.BooleanField(_("would consider coming back"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(csat__isnull=True) | Q(csat__gte=1, csat__lte=5),
                name="survey_csat_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(csat__isnull=False),
                name="survey_answer_has_csat",
            ),
        ]
        indexes = [models.Index(fields=["touchpoint", "answered_at"], name="survey_stats_idx")]

    def __str__(self) -> str:
        return f"{self.touchpoint} survey for {self.customer_id}"
