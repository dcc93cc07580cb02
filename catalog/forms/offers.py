"""The offer form: every rule an offer must pass (values, approval limits, A/B variants,
the code lock), for a person typing, a restore and a CSV import alike."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from catalog.choices import OfferKind, ReasonCategory
from catalog.forms.base import VersionedForm, _stripped
from catalog.models import Offer, Reason
from catalog.rules import offer_code_locked, variant_share_refusal
from customers.choices import ProductCategory, ValueTier
from customers.models import Product

# Sanity limits: a value beyond these is a typo, not a policy.
MAX_BENEFIT_KRW = 5_000_000
MAX_FREE_MONTHS = 12
MAX_PAUSE_MONTHS = 12
GENEROUS_DISCOUNT_PERCENT = 50  # above this, a supervisor approves (an approval limit)
GENEROUS_FREE_MONTHS = 3

OFFER_CATEGORIES = [c for c in ReasonCategory.choices if c[0] != ReasonCategory.UNAVOIDABLE]
FIXED_VALUE_KINDS = (
    OfferKind.SERVICE_IMPROVEMENT,
    OfferKind.COMPETITOR_MATCH,
    OfferKind.GIFT,
)


class OfferCatalogForm(VersionedForm):
    reason_categories = forms.MultipleChoiceField(
        label=_("Answers reason categories"),
        choices=OFFER_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reason category it answers.")},
    )
    product_categories = forms.MultipleChoiceField(
        label=_("Product categories"),
        choices=ProductCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every category."),
    )
    value_tiers = forms.MultipleChoiceField(
        label=_("Value tiers"),
        choices=ValueTier.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every tier."),
    )

    class Meta:
        model = Offer
        fields = [
            "code",
            "name_ko",
            "name_en",
            "script_ko",
            "script_en",
            "pitch_ko",
            "pitch_en",
            "kind",
            "value",
            "duration_months",
            "target_product",
            "new_term_months",
            "reason_categories",
            "reasons",
            "min_tenure_months",
            "max_tenure_months",
            "product_categories",
            "value_tiers",
            "max_uses_per_year",
            "active_from",
            "active_until",
            "fixed_cost",
            "agent_limit",
            "variant_of",
            "traffic_share",
        ]
        widgets = {
            "script_ko": forms.Textarea(attrs={"rows": 3}),
            "script_en": forms.Textarea(attrs={"rows": 3}),
            # Edited through one field per branch and language (below); the JSON travels
            # hidden so a restore or an import that carries it whole is read the same way.
            "pitch_ko": forms.HiddenInput,
            "pitch_en": forms.HiddenInput,
            "reasons": forms.CheckboxSelectMultiple,
            "active_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "active_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Retired reasons and products off sale are not offered for new choices, but an offer
        # that already has them keeps them (an edit must not silently drop them).
        reasons, target = Q(is_active=True), Q(is_active=True)
        if self.instance.pk:
            reasons |= Q(pk__in=self.instance.reasons.values("pk"))
            target |= Q(pk=self.instance.target_product_id)
        self.fields["reasons"].queryset = Reason.objects.filter(reasons)
        self.fields["target_product"].queryset = Product.objects.filter(target)
        originals = Offer.objects.filter(variant_of__isnull=True)
        if self.instance.pk:
            originals = originals.exclude(pk=self.instance.pk)
        self.fields["variant_of"].queryset = originals
        for name in ("active_from", "active_until"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"]
        for language, label in (("ko", _("Korean")), ("en", _("English"))):
            # A callable default (dict) would make Django compare against a hidden initial
            # that an import or a restore never carries.
            self.fields[f"pitch_{language}"].show_hidden_initial = False
            pitches = getattr(self.instance, f"pitch_{language}") or {}
            for category, category_label in OFFER_CATEGORIES:
                self.fields[f"pitch_{language}__{category}"] = forms.CharField(
                    label=_("Pitch for %(branch)s (%(language)s)")
                    % {"branch": category_label, "language": label},
                    required=False,
                    max_length=500,
                    initial=pitches.get(category, ""),
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("Empty: the general script is said."),
                )

    @property
    def changed_data(self):
        """Pitches change only when they differ: a per-branch field absent from the data (a
        restore, an import) is no change, nor is "no pitches" written as {} or left out."""

        def same_pitches(name):
            try:
                sent = self.fields[name].to_python(self.data.get(name))
            except ValidationError:
                return False
            return (sent or {}) == (self.get_initial_for_field(self.fields[name], name) or {})

        return [
            name
            for name in super().changed_data
            if not name.startswith("pitch_")
            or ("__" in name and name in self.data)
            or ("__" not in name and not same_pitches(name))
        ]

    def _clean_pitches(self, data):
        """Each language's pitches from the per-branch fields when the form has them (a
        person editing), else as the hidden JSON carries them (a restore, an import); only
        the branches the offer answers are kept."""
        categories = set(data.get("reason_categories") or [])
        for language in ("ko", "en"):
            typed = {
                category: (data.get(f"pitch_{language}__{category}") or "").strip()
                for category, _label in OFFER_CATEGORIES
                if f"pitch_{language}__{category}" in self.data
            }
            if typed:
                pitches = typed
            elif f"pitch_{language}" in self.data:
                pitches = data.get(f"pitch_{language}") or {}
            else:  # a file from before pitches existed: keep them as they are
                pitches = getattr(self.instance, f"pitch_{language}") or {}
            if not isinstance(pitches, dict):
                self.add_error(f"pitch_{language}", _("Pitches are one text per branch."))
                continue
            data[f"pitch_{language}"] = {
                category: str(text)[:500]
                for category, text in pitches.items()
                if category in categories and str(text).strip()
            }

    def clean(self):
        data = super().clean()
        self._clean_pitches(data)
        _stripped(self, "name_ko", "name_en", "script_ko", "script_en")
        self._check_code()
        kind, value = data.get("kind"), data.get("value")
        if kind and value is not None:
            self._check_value(kind, value, data)
        start, end = data.get("active_from"), data.get("active_until")
        if start and end and end <= start:
            self.add_error("active_until", _("The offer must end after it starts."))
        low, high = data.get("min_tenure_months"), data.get("max_tenure_months")
        if low is not None and high is not None and high < low:
            self.add_error("max_tenure_months", _("The maximum tenure is below the minimum."))
        categories = set(data.get("reason_categories") or [])
        stray = [r for r in data.get("reasons") or [] if r.category not in categories]
        if stray:
            self.add_error(
                "reasons",
                _("These sub-reasons are outside the ticked categories: %(names)s")
                % {"names": ", ".join(r.label for r in stray)},
            )
        if kind and value is not None:
            self._check_approval(kind, value, data)
        self._check_variant(data, categories)
        return data

    def _check_code(self):
        if not self.instance.pk or "code" not in self.changed_data:
            return
        if offer_code_locked(self.instance):
            self.add_error(
                "code",
                _(
                    "This offer has been published or presented, so its code cannot change: "
                    "A/B tests and reports follow the code. To use a new code, create a new "
                    "offer and retire this one."
                ),
            )

    def _check_value(self, kind, value, data):
        if kind == OfferKind.DISCOUNT_PERCENT and not 1 <= value <= 100:
            self.add_error("value", _("A discount is a percentage from 1 to 100."))
        elif kind == OfferKind.FEE_ADJUSTMENT:
            highest = Product.objects.filter(is_active=True).aggregate(m=Max("monthly_fee"))["m"]
            if value < 1:
                self.add_error("value", _("A fee adjustment takes at least 1 KRW off the fee."))
            elif highest is not None and value >= highest:
                self.add_error(
                    "value",
                    _("%(value)s KRW is more than any product's monthly fee (%(highest)s KRW).")
                    % {"value": f"{value:,}", "highest": f"{highest:,}"},
                )
        elif kind == OfferKind.FREE_MONTHS and not 1 <= value <= MAX_FREE_MONTHS:
            self.add_error("value", _("Free months: from 1 to %(max)d.") % {"max": MAX_FREE_MONTHS})
        elif kind == OfferKind.PAUSE and not 1 <= value <= MAX_PAUSE_MONTHS:
            self.add_error(
                "value", _("A pause: from 1 to %(max)d months.") % {"max": MAX_PAUSE_MONTHS}
            )
        elif kind in (OfferKind.PRODUCT_CHANGE, OfferKind.CONTRACT_CHANGE) and value != 0:
            self.add_error("value", _("This type of offer has no value: leave it at 0."))
        elif kind in FIXED_VALUE_KINDS and value > MAX_BENEFIT_KRW:
            self.add_error(
                "value",
                _("A benefit above %(max)s KRW is not plausible; check the amount.")
                % {"max": f"{MAX_BENEFIT_KRW:,}"},
            )
        if data.get("duration_months") is not None and kind != OfferKind.DISCOUNT_PERCENT:
            self.add_error("duration_months", _("Only a percentage discount has a duration."))
        if data.get("target_product") is not None and kind != OfferKind.PRODUCT_CHANGE:
            self.add_error("target_product", _("Only a product change has a target product."))
        if data.get("new_term_months") is not None and kind != OfferKind.CONTRACT_CHANGE:
            self.add_error("new_term_months", _("Only a contract change has a new term."))

    def _check_approval(self, kind, value, data):
        limit = data.get("agent_limit")
        if limit is None:
            generous = (
                kind == OfferKind.DISCOUNT_PERCENT and value > GENEROUS_DISCOUNT_PERCENT
            ) or (kind == OfferKind.FREE_MONTHS and value > GENEROUS_FREE_MONTHS)
            if generous:
                self.add_error(
                    "agent_limit",
                    _("An offer this generous needs an approval limit (a supervisor approves)."),
                )
            return
        if kind in FIXED_VALUE_KINDS:
            cost = value + (data.get("fixed_cost") or 0)
            if limit >= cost:
                self.add_error(
                    "agent_limit",
                    _(
                        "The offer always costs %(cost)s KRW, so a limit of %(limit)s KRW never "
                        "asks for approval: lower it or leave it empty."
                    )
                    % {"cost": f"{cost:,}", "limit": f"{limit:,}"},
                )

    def _check_variant(self, data, categories):
        original, share = data.get("variant_of"), data.get("traffic_share")
        if original is None:
            if share is not None:
                self.add_error("traffic_share", _("Only an A/B variant has a share of calls."))
            variants = self.instance.variants.all() if self.instance.pk else []
            if any(set(v.reason_categories) != categories for v in variants):
                self.add_error(
                    "reason_categories",
                    _(
                        "This offer has A/B variants: it must answer the same reason categories "
                        "as they do."
                    ),
                )
            return
        if self.instance.pk and self.instance.variants.exists():
            self.add_error(
                "variant_of", _("This offer has variants of its own: it cannot be a variant.")
            )
            return
        if share is None or not 1 <= share <= 99:
            self.add_error(
                "traffic_share", _("A variant takes between 1 and 99 percent of the calls.")
            )
            return
        if set(original.reason_categories) != categories:
            self.add_error(
                "variant_of",
                _("A variant must answer the same reason categories as the original."),
            )
        refusal = variant_share_refusal(original.pk, share, excluding=self.instance.pk)
        if refusal:
            self.add_error("traffic_share", refusal)
