"""Reporting facts: one narrow row per closed cancellation request and per closed claim.

The dashboards never scan the working tables. `retention.services.facts.facts_refresh`
(Celery beat, every few minutes, and nightly in full) copies each closed request and claim
here once, with what the dashboards group by already resolved: team, reason category,
product category, value tier, the path through the tree, the fees kept, the offer cost and
the seconds spent in each step (from the audit trail). Later facts update earlier ones:
a saved contract cancelled later marks its save as re-churned.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestFact(models.Model):
    request = models.OneToOneField(
        "cancellations.CancellationRequest",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="fact",
    )
    closed_at = models.DateTimeField()
    closed_on = models.DateField()
    is_retained = models.BooleanField()
    contract_id = models.BigIntegerField()
    customer_id = models.BigIntegerField()
    agent_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    # A reference, not a constraint: facts outlive nothing but are written in bulk by SQL;
    # the catalog sees a reason kept here as in use (catalog.rules.catalog_uses).
    reason = models.ForeignKey(
        "catalog.Reason",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    reason_category = models.CharField(max_length=20, blank=True)
    product_id = models.BigIntegerField()
    product_category = models.CharField(max_length=20)
    value_tier = models.CharField(max_length=12)
    branch = models.CharField(max_length=20, blank=True)
    path = models.CharField(
        _("path through the tree"),
        max_length=300,
        help_text=_("branch, then each offer with its answer, e.g. financial_burden|pause:+"),
    )
    competitor_name = models.CharField(max_length=100, blank=True)
    competitor_offer = models.CharField(max_length=200, blank=True)
    offers_presented = models.PositiveSmallIntegerField(default=0)
    offer_code = models.CharField(max_length=40, blank=True)  # the offer that saved them
    offer_cost = models.BigIntegerField(default=0)
    monthly_fee = models.BigIntegerField()  # after the offer, for a save
    months_left = models.PositiveSmallIntegerField(default=0)  # of the term, at the save
    rechurned_on = models.DateField(null=True)
    rechurn_days = models.IntegerField(null=True)  # from the save to the later cancellation
    seconds_reason = models.IntegerField(null=True)
    seconds_offers = models.IntegerField(null=True)
    seconds_approval = models.IntegerField(null=True)
    seconds_quote = models.IntegerField(null=True)
    seconds_total = models.IntegerField()

    class Meta:
        verbose_name = _("closed request in the reports")
        verbose_name_plural = _("closed requests in the reports")
        permissions = [("view_dashboards", _("Can see the supervisor dashboards"))]
        indexes = [
            models.Index(fields=["closed_on"], name="request_fact_day_idx"),
            models.Index(fields=["agent_id", "closed_on"], name="request_fact_agent_idx"),
            models.Index(fields=["team_id", "closed_on"], name="request_fact_team_idx"),
            models.Index(fields=["contract_id"], name="request_fact_contract_idx"),
        ]

    def __str__(self) -> str:
        return f"request {self.request_id} ({'retained' if self.is_retained else 'cancelled'})"


class ClaimFact(models.Model):
    claim = models.OneToOneField(
        "claims.Claim", on_delete=models.CASCADE, primary_key=True, related_name="fact"
    )
    received_at = models.DateTimeField()
    closed_at = models.DateTimeField()
    closed_on = models.DateField()
    agent_id = models.BigIntegerField()
    team_id = models.BigIntegerField(null=True)
    root_cause = models.CharField(max_length=30, blank=True)
    product_category = models.CharField(max_length=20, blank=True)
    value_tier = models.CharField(max_length=12)
    escalated = models.BooleanField(default=False)
    had_deadline = models.BooleanField(default=False)
    deadline_met = models.BooleanField(null=True)
    compensation = models.BigIntegerField(default=0)
    led_to_cancellation = models.BooleanField(default=False)
    seconds_apology = models.IntegerField(null=True)
    seconds_listening = models.IntegerField(null=True)
    seconds_cause = models.IntegerField(null=True)
    seconds_countermeasure = models.IntegerField(null=True)
    seconds_escalated = models.IntegerField(null=True)
    seconds_present = models.IntegerField(null=True)
    seconds_execute = models.IntegerField(null=True)
    seconds_recover = models.IntegerField(null=True)
    seconds_total = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["closed_on"], name="claim_fact_day_idx"),
            models.Index(fields=["agent_id", "closed_on"], name="claim_fact_agent_idx"),
            models.Index(fields=["team_id", "closed_on"], name="claim_fact_team_idx"),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id}"
