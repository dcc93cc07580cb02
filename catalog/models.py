"""The reason taxonomy and the offer catalog: what an agent may say and give."""

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from catalog.choices import OfferKind, ReasonCategory
from customers.choices import ProductCategory, ValueTier


def _in_korean() -> bool:
    return (get_language() or "ko").startswith("ko")


@pghistory.track()
class Reason(models.Model):
    """A sub-reason under one of the five categories (the categories drive the branches)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=ReasonCategory.choices)
    label_ko = models.CharField(_("label (Korean)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("cancellation reason")
        verbose_name_plural = _("cancellation reasons")
        ordering = ["category", "sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_ko if _in_korean() else self.label_en


@pghistory.track()
class Offer(models.Model):
    """A retention offer. `value` means, by kind:

    discount %: the percentage (1-100), for `duration_months` (empty: the rest of the term);
    fee adjustment: KRW off the monthly fee; free months / pause: a number of months;
    product change: unused (the target product, or the cheapest lower-priced alternative);
    contract change: unused (`new_term_months` changes the term; empty means relocation);
    service improvement, competitor match, gift: the benefit's value in KRW to the customer.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    script_ko = models.TextField(_("agent script (Korean)"))
    script_en = models.TextField(_("agent script (English)"))
    # A pitch line per reason category (branch) it answers, in each language; the console
    # shows the one for the call's branch, else the general script.
    pitch_ko = models.JSONField(_("pitch per branch (Korean)"), default=dict, blank=True)
    pitch_en = models.JSONField(_("pitch per branch (English)"), default=dict, blank=True)
    kind = models.CharField(_("type"), max_length=24, choices=OfferKind.choices)
    value = models.PositiveIntegerField(_("value"), default=0)
    duration_months = models.PositiveSmallIntegerField(
        _("applies for (months)"), null=True, blank=True
    )
    target_product = models.ForeignKey(
        "customers.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target product"),
    )
    new_term_months = models.PositiveSmallIntegerField(
        _("new term (months)"), null=True, blank=True
    )
    reason_categories = ArrayField(
        models.CharField(max_length=20, choices=ReasonCategory.choices),
        verbose_name=_("answers reason categories"),
        default=list,
    )
    reasons = models.ManyToManyField(
        Reason,
        blank=True,
        verbose_name=_("only these sub-reasons"),
        help_text=_("Leave empty to answer every sub-reason of the categories."),
    )
    min_tenure_months = models.PositiveSmallIntegerField(_("minimum tenure (months)"), default=0)
    max_tenure_months = models.PositiveSmallIntegerField(
        _("maximum tenure (months)"), null=True, blank=True
    )
    product_categories = ArrayField(
        models.CharField(max_length=20, choices=ProductCategory.choices),
        verbose_name=_("product categories"),
        default=list,
        blank=True,
        help_text=_("Empty: every category."),
    )
    value_tiers = ArrayField(
        models.CharField(max_length=10, choices=ValueTier.choices),
        verbose_name=_("value tiers"),
        default=list,
        blank=True,
        help_text=_("Empty: every tier."),
    )
    max_uses_per_year = models.PositiveSmallIntegerField(
        _("max uses per customer in 12 months"), null=True, blank=True
    )
    active_from = models.DateTimeField(_("active from"), null=True, blank=True)
    active_until = models.DateTimeField(_("active until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Off: retired."))
    is_draft = models.BooleanField(
        _("draft"), default=False, help_text=_("A draft is never offered until it is published.")
    )
    variant_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="variants",
        verbose_name=_("A/B variant of"),
        help_text=_("Calls are split between the offer and its variants; each call sees one."),
    )
    traffic_share = models.PositiveSmallIntegerField(
        _("share of calls for this variant (%)"),
        null=True,
        blank=True,
        help_text=_("1 to 99; the original offer keeps the rest."),
    )
    fixed_cost = models.PositiveIntegerField(
        _("cost to the company (KRW)"),
        default=0,
        help_text=_("What giving it costs, beyond any revenue given up (gift, visit, ...)."),
    )
    agent_limit = models.PositiveIntegerField(
        _("agent authority (KRW)"),
        null=True,
        blank=True,
        help_text=_("A supervisor must approve when the offer costs more. Empty: never."),
    )

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["code"]
        permissions = [
            ("manage_catalog", _("Can edit the offer catalog and products")),
            ("view_catalog", _("Can read the catalog workspace and its history")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=OfferKind.DISCOUNT_PERCENT) | Q(value__gte=1, value__lte=100),
                name="offer_discount_percent_1_to_100",
            ),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gt=F("active_from")),
                name="offer_window_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(max_tenure_months__isnull=True)
                | Q(max_tenure_months__gte=F("min_tenure_months")),
                name="offer_tenure_range",
            ),
            models.CheckConstraint(
                condition=~Q(reason_categories=[]), name="offer_answers_a_reason"
            ),
            models.CheckConstraint(
                condition=Q(variant_of__isnull=True, traffic_share__isnull=True)
                | Q(variant_of__isnull=False, traffic_share__gte=1, traffic_share__lte=99),
                name="offer_variant_has_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def name(self) -> str:
        return self.name_ko if _in_korean() else self.name_en

    @property
    def script(self) -> str:
        return self.script_ko if _in_korean() else self.script_en

    def pitch_for(self, category: str | None, *, korean: bool | None = None) -> str:
        """What to say for a call in this branch: its pitch line, else the general script."""
        korean = _in_korean() if korean is None else korean
        pitches, script = (
            (self.pitch_ko, self.script_ko) if korean else (self.pitch_en, self.script_en)
        )
        return (pitches or {}).get(category or "") or script

    def is_open_at(self, now) -> bool:
        """Inside its active window at `now` (a bound left empty does not limit it)."""
        started = self.active_from is None or self.active_from <= now
        return started and (self.active_until is None or now < self.active_until)

    def clean(self):
        errors = {}
        if self.kind == OfferKind.DISCOUNT_PERCENT and not 1 <= self.value <= 100:
            errors["value"] = _("A discount is a percentage from 1 to 100.")
        if self.kind in (OfferKind.FEE_ADJUSTMENT, OfferKind.FREE_MONTHS, OfferKind.PAUSE) and (
            self.value < 1
        ):
            errors["value"] = _("This type of offer needs a value of at least 1.")
        if self.active_from and self.active_until and self.active_until <= self.active_from:
            errors["active_until"] = _("The offer must end after it starts.")
        if self.max_tenure_months is not None and self.max_tenure_months < self.min_tenure_months:
            errors["max_tenure_months"] = _("The maximum tenure is below the minimum.")
        if not self.reason_categories:
            errors["reason_categories"] = _("Choose at least one reason category it answers.")
        if ReasonCategory.UNAVOIDABLE in (self.reason_categories or []):
            errors["reason_categories"] = _("Unavoidable reasons get no offers.")
        if errors:
            raise ValidationError(errors)


@pghistory.track()
class CustomerType(models.Model):
    """A type from the customer-type playbook (고객 유형별 응대 요령), with handling tips.

    Agents tag a call with a type to see the tips beside the script; the tag is kept for
    analysis. Shared by cancellation requests and claims.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ko = models.CharField(_("name (Korean)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    tips_ko = models.TextField(_("handling tips (Korean)"))
    tips_en = models.TextField(_("handling tips (English)"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("customer type")
        verbose_name_plural = _("customer-type playbook")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ko if _in_korean() else self.name_en

    @property
    def tips(self) -> str:
        return self.tips_ko if _in_korean() else self.tips_en


@pghistory.track()
class StepScript(models.Model):
    """A catalog admin's wording of a step script (overrides the default in
    `retention.scripts`); `key` is a request state or a call kind."""

    key = models.CharField(_("step"), max_length=40, unique=True)
    text_ko = models.TextField(_("script (Korean)"))
    text_en = models.TextField(_("script (English)"))

    class Meta:
        verbose_name = _("step script")
        verbose_name_plural = _("step scripts")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key

    @property
    def text(self) -> str:
        return self.text_ko if _in_korean() else self.text_en


@pghistory.track()
class Battlecard(models.Model):
    """What a competitor typically offers and how we differ: shown in the competitor branch."""

    competitor = models.CharField(_("competitor"), max_length=100, unique=True)
    their_offer_ko = models.TextField(_("what they typically offer (Korean)"))
    their_offer_en = models.TextField(_("what they typically offer (English)"))
    our_answer_ko = models.TextField(_("how we differ (Korean)"))
    our_answer_en = models.TextField(_("how we differ (English)"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("competitor battlecard")
        verbose_name_plural = _("competitor battlecards")
        ordering = ["sort_order", "competitor"]

    def __str__(self) -> str:
        return self.competitor

    @property
    def their_offer(self) -> str:
        return self.their_offer_ko if _in_korean() else self.their_offer_en

    @property
    def our_answer(self) -> str:
        return self.our_answer_ko if _in_korean() else self.our_answer_en


class CatalogVersion(models.Model):
    """One version of a catalog item: every change writes the item's whole editable state,
    so any version can be shown, compared with the one before, and restored."""

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.BigIntegerField()
    version = models.PositiveIntegerField(_("version"))

    class Action(models.TextChoices):
        INITIAL = "initial", _("state before the first edit")
        CREATED = "created", _("created")
        EDITED = "edited", _("edited")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")
        REACTIVATED = "reactivated", _("reactivated")
        RESTORED = "restored", _("restored")
        IMPORTED = "imported", _("imported")
        SCHEDULED = "scheduled", _("scheduled change applied")
        REORDERED = "reordered", _("reordered")
        DELETED = "deleted", _("deleted")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    snapshot = models.JSONField(_("state"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # A note the code writes is its English source text (a msgid) with `note_params`, so each
    # reader sees it in their own language (`note_text`); anything else is shown as stored.
    note = models.CharField(_("note"), max_length=200, blank=True)
    note_params = models.JSONField(_("note parameters"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("catalog version")
        verbose_name_plural = _("catalog history")
        ordering = ["subject_type", "subject_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "version"], name="catalog_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type_id}:{self.subject_id} v{self.version}"

    @property
    def note_text(self) -> str:
        """The note in the reader's language."""
        if not self.note:
            return ""
        text = gettext(self.note)
        if not self.note_params:
            return text
        try:
            return text % self.note_params
        except (KeyError, TypeError, ValueError):  # a translation that lost a placeholder
            return self.note % self.note_params


class ScheduledChange(models.Model):
    """A product change that takes effect on a later date (applied by Celery beat; quotes
    already given are stored on their requests and never change)."""

    product = models.ForeignKey(
        "customers.Product", on_delete=models.PROTECT, related_name="scheduled_changes"
    )
    effective_from = models.DateField(_("takes effect on"))
    snapshot = models.JSONField(_("new terms"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("scheduled"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    problem = models.TextField(
        _("why it could not be applied"),
        blank=True,
        help_text=_("Set when, on its day, the change no longer passed the product's checks."),
    )
    # The same reasons in every language of the desk ({"ko": ..., "en": ...}): they come from
    # the form's checks, whose messages cannot be translated after the fact.
    problem_texts = models.JSONField(_("why, in each language"), default=dict, blank=True)

    class Meta:
        verbose_name = _("scheduled product change")
        verbose_name_plural = _("scheduled product changes")
        ordering = ["effective_from", "pk"]
        indexes = [
            models.Index(
                fields=["effective_from"],
                name="scheduled_change_due_idx",
                condition=Q(applied_at__isnull=True, cancelled_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.effective_from}"

    @property
    def problem_text(self) -> str:
        """Why it could not be applied, in the reader's language (older rows: as written)."""
        language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return (self.problem_texts or {}).get(language) or self.problem
