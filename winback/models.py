"""Win-back (재유치): departed customers, considered once each, segmented by value."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from winback.choices import WinBackOutcome, WinBackTier


class WinBackCase(models.Model):
    """One departed contract, considered once: its value, its tier, whom it went to, and
    what came of it. The reason diagnosed on the call is kept beside the reason given when
    the customer left (they often differ)."""

    contract = models.OneToOneField(
        "customers.Contract", on_delete=models.PROTECT, related_name="win_back"
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="win_backs"
    )
    departed_on = models.DateField(_("departed on"))
    value = models.BigIntegerField(_("value (KRW)"))
    tier = models.CharField(_("tier"), max_length=8, choices=WinBackTier.choices)
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=WinBackOutcome.choices,
        default=WinBackOutcome.PENDING,
    )
    original_reason = models.ForeignKey(
        "catalog.Reason", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    diagnosed_reason = models.ForeignKey(
        "catalog.Reason",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason diagnosed on the call"),
    )
    diagnosis_note = models.TextField(_("diagnosis"), blank=True)
    new_contract = models.ForeignKey(
        "customers.Contract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new contract"),
    )
    offer = models.ForeignKey(
        "catalog.Offer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    considered_at = models.DateTimeField(_("considered"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("win-back case")
        verbose_name_plural = _("win-back cases")
        indexes = [
            models.Index(fields=["departed_on", "tier"], name="winback_month_tier_idx"),
            models.Index(fields=["outcome"], name="winback_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.tier} {self.outcome}"
