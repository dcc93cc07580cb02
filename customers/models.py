"""Customers, products and contracts: what a live call looks up.

Money is whole Korean won (KRW) in integer fields everywhere: the won has no minor unit,
so there is nothing to round and no float ever touches an amount.
"""

from datetime import date

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.dates import months_between
from customers.choices import (
    AmendmentKind,
    BillingEventKind,
    ContractStatus,
    ProductCategory,
    Region,
    ValueTier,
)
from customers.phones import phone_format, phone_mask


@pghistory.track(pghistory.UpdateEvent())
class Customer(models.Model):
    customer_no = models.CharField(_("customer number"), max_length=20, unique=True)
    # The company's own id for this record (billing's), by which the API and the book import
    # upsert it; empty for records made in the desk.
    external_id = models.CharField(
        _("external id"), max_length=64, unique=True, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(
        _("phone"), max_length=15, help_text=_("Stored as national digits, e.g. 01012345678.")
    )
    alt_phone = models.CharField(_("second phone"), max_length=15, blank=True)
    email = models.EmailField(_("email"), blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    value_tier = models.CharField(
        _("value tier"), max_length=10, choices=ValueTier.choices, default=ValueTier.STANDARD
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="ko"
    )
    do_not_call = models.BooleanField(_("do not call"), default=False)
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    lifetime_revenue = models.BigIntegerField(_("lifetime revenue (KRW)"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("handle_calls", _("Can handle live cancellation and claim calls")),
            ("view_customer_pii", _("Can see customers' full phone numbers and emails")),
        ]
        indexes = [
            models.Index(fields=["phone"], name="customer_phone_idx"),
            models.Index(
                fields=["alt_phone"], name="customer_alt_phone_idx", condition=~Q(alt_phone="")
            ),
            # Name-prefix search (LIKE 'kim%') needs the pattern operator class.
            models.Index(
                fields=["name"], name="customer_name_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            # An integration syncing what changed since its last run (`updated_after`).
            models.Index(fields=["updated_at", "id"], name="customer_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__regex=r"^0[0-9]{8,10}$"), name="customer_phone_normalised"
            ),
            models.CheckConstraint(
                condition=Q(alt_phone="") | Q(alt_phone__regex=r"^0[0-9]{8,10}$"),
                name="customer_alt_phone_normalised",
            ),
            models.CheckConstraint(
                condition=Q(lifetime_revenue__gte=0), name="customer_lifetime_revenue_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_no})"

    @property
    def phone_masked(self) -> str:
        return phone_mask(self.phone)

    @property
    def phone_display(self) -> str:
        return phone_format(self.phone)


@pghistory.track()
class Product(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    # The company's own id for this record (billing's), by which the API and the book import
    # upsert it; empty for records made in the desk.
    external_id = models.CharField(
        _("external id"), max_length=64, unique=True, null=True, blank=True
    )
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=ProductCategory.choices)
    monthly_fee = models.PositiveIntegerField(_("monthly fee (KRW)"))
    alternatives = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        verbose_name=_("lower-priced alternatives"),
        related_name="alternative_for",
    )
    # Early-termination policy.
    minimum_term_months = models.PositiveSmallIntegerField(_("minimum term (months)"))
    default_term_months = models.PositiveSmallIntegerField(_("standard term (months)"))
    penalty_rate_percent = models.PositiveSmallIntegerField(
        _("penalty rate on remaining fees (%)"),
        help_text=_("Charged on the fees still due before the minimum term ends."),
    )
    installation_fee = models.PositiveIntegerField(_("installation fee (KRW)"), default=0)
    registration_fee = models.PositiveIntegerField(_("registration fee (KRW)"), default=0)
    # What a retention offer may change (the guards of the financial and contract-change
    # branches read these).
    fee_adjustable = models.BooleanField(_("fee can be adjusted"), default=True)
    fee_floor = models.PositiveIntegerField(
        _("lowest adjusted fee (KRW)"),
        default=0,
        help_text=_("A fee adjustment may not take the monthly fee below this."),
    )
    fee_adjustment_min_tenure_months = models.PositiveSmallIntegerField(
        _("months of use before a fee adjustment"), default=12
    )
    relocatable = models.BooleanField(_("can be relocated"), default=True)
    term_extendable = models.BooleanField(_("term can be changed"), default=True)
    max_pause_months = models.PositiveSmallIntegerField(_("longest pause (months)"), default=3)
    is_active = models.BooleanField(_("on sale"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["category", "monthly_fee"]
        constraints = [
            models.CheckConstraint(
                condition=Q(penalty_rate_percent__lte=100), name="product_penalty_rate_lte_100"
            ),
            models.CheckConstraint(
                condition=Q(minimum_term_months__gte=1)
                & Q(default_term_months__gte=models.F("minimum_term_months")),
                name="product_terms_consistent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ko if (get_language() or "ko").startswith("ko") else self.name_en


# Updates only: pghistory's insert trigger opens a subtransaction per row, which would make
# bulk loads crawl; a contract's creation is its own first row, and every change after it
# (status, fee, product, term) is an update event with the acting user as context.
@pghistory.track(pghistory.UpdateEvent())
class Contract(models.Model):
    number = models.CharField(_("contract number"), max_length=20, unique=True)
    # The company's own id for this record (billing's), by which the API and the book import
    # upsert it; empty for records made in the desk.
    external_id = models.CharField(
        _("external id"), max_length=64, unique=True, null=True, blank=True
    )
    # contract_customer_status_idx (customer, status) serves every lookup by customer.
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("customer"),
        db_index=False,
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("product")
    )
    start_date = models.DateField(_("start date"))
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    monthly_fee = models.PositiveIntegerField(_("monthly fee (KRW)"))
    prepaid_amount = models.PositiveIntegerField(
        _("prepaid (KRW)"), default=0, help_text=_("Fees paid in advance, refunded on cancel.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    cancelled_on = models.DateField(_("cancellation effective"), null=True, blank=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    fee_adjusted_on = models.DateField(_("fee last adjusted"), null=True, blank=True)
    discount_percent = models.PositiveSmallIntegerField(_("discount (%)"), default=0)
    discount_until = models.DateField(_("discount until"), null=True, blank=True)
    free_months_remaining = models.PositiveSmallIntegerField(_("free months left"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_default=Now())

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["customer", "status"], name="contract_customer_status_idx"),
            models.Index(
                fields=["cancelled_on"],
                name="contract_cancelled_on_idx",
                condition=Q(status="cancelled"),
            ),
            models.Index(fields=["updated_at", "id"], name="contract_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_months__gte=1) & Q(term_months__lte=120),
                name="contract_term_1_to_120",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_on__isnull=False),
                name="contract_cancelled_has_date",
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__lte=100), name="contract_discount_lte_100"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def tenure_months(self, as_of: date | None = None) -> int:
        return months_between(self.start_date, as_of or timezone.localdate())

    def remaining_months(self, as_of: date | None = None) -> int:
        return max(self.term_months - self.tenure_months(as_of), 0)

    @property
    def is_open(self) -> bool:
        """Still a contract a customer can ask to cancel."""
        return self.status in (ContractStatus.ACTIVE, ContractStatus.SUSPENDED)


@pghistory.track(pghistory.InsertEvent())
class ContractAmendment(models.Model):
    """One change to a contract, kept forever: what it was, what it became, who did it."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AmendmentKind.choices)
    effective_date = models.DateField(_("effective from"))
    old_monthly_fee = models.PositiveIntegerField(_("old monthly fee (KRW)"), null=True, blank=True)
    new_monthly_fee = models.PositiveIntegerField(_("new monthly fee (KRW)"), null=True, blank=True)
    old_product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    new_term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    new_address = models.CharField(_("new address"), max_length=200, blank=True)
    pause_until = models.DateField(_("paused until"), null=True, blank=True)
    discount_percent = models.PositiveSmallIntegerField(_("discount (%)"), null=True, blank=True)
    discount_until = models.DateField(_("discount until"), null=True, blank=True)
    free_months = models.PositiveSmallIntegerField(_("free months"), null=True, blank=True)
    presentation = models.ForeignKey(
        "cancellations.OfferPresentation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("from offer"),
        help_text=_("The accepted retention offer this amendment carries out."),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contract", "kind", "-effective_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=AmendmentKind.FEE_ADJUSTMENT)
                | (Q(new_monthly_fee__isnull=False) & Q(old_monthly_fee__isnull=False)),
                name="amendment_fee_adjustment_has_fees",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AmendmentKind.PRODUCT_CHANGE)
                | (Q(new_product__isnull=False) & Q(old_product__isnull=False)),
                name="amendment_product_change_has_products",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AmendmentKind.TERM_CHANGE)
                | (Q(new_term_months__gte=1) & Q(old_term_months__isnull=False)),
                name="amendment_term_change_has_terms",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AmendmentKind.RELOCATION) | ~Q(new_address=""),
                name="amendment_relocation_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AmendmentKind.PAUSE) | Q(pause_until__isnull=False),
                name="amendment_pause_has_end",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AmendmentKind.DISCOUNT)
                | (
                    Q(discount_percent__gte=1)
                    & Q(discount_percent__lte=100)
                    & Q(discount_until__isnull=False)
                ),
                name="amendment_discount_has_terms",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AmendmentKind.FREE_MONTHS) | Q(free_months__gte=1),
                name="amendment_free_months_has_months",
            ),
            # An accepted offer amends the contract once, however often "accept" arrives.
            models.UniqueConstraint(
                fields=["presentation"],
                condition=Q(presentation__isnull=False),
                name="amendment_once_per_presentation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} · {self.get_kind_display()} · {self.effective_date}"


class BillingEvent(models.Model):
    """What billing told the desk about a contract (a failed or recovered payment, a renewal
    coming up), kept as it came: the prevention work reads them. Billing's own event id
    makes a resent event a no-op."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="billing_events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=24, choices=BillingEventKind.choices)
    external_id = models.CharField(_("billing's event id"), max_length=64, unique=True)
    occurred_at = models.DateTimeField(_("occurred"))
    amount = models.BigIntegerField(_("amount (KRW)"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("billing event")
        verbose_name_plural = _("billing events")
        indexes = [
            models.Index(fields=["contract", "kind", "-occurred_at"], name="billing_event_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"
