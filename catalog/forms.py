"""Forms of the catalog workspace. They hold every rule an edit must pass, so a restore or a
CSV import goes through exactly the same checks as a person typing (`retention.services.
catalog` binds them to stored versions and import rows)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.choices import OfferKind, ReasonCategory
from catalog.models import Battlecard, CustomerType, Offer, Reason, StepScript
from catalog.rules import offer_code_locked, variant_share_refusal
from catalog.scripts import script_keys
from core.text import CONTROL
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


def _stripped(form, *names):
    for name in names:
        value = form.cleaned_data.get(name)
        if isinstance(value, str) and not value.strip():
            form.add_error(name, _("This cannot be blank."))


class VersionedForm(forms.ModelForm):
    """Every catalog form carries the version the editor started from: if someone saved a
    newer one meanwhile, the service refuses instead of silently overwriting it."""

    base_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def _update_errors(self, errors):
        """One message per bad value. The model's clean() runs after this form's checks, on an
        instance that still holds the defaults of the fields the form refused, so it would
        repeat (sometimes in other words) what the form already said about those fields:
        a field the form has put an error on keeps only the form's."""
        if hasattr(errors, "error_dict"):
            kept = {}
            for name, messages in errors.error_dict.items():
                if name == NON_FIELD_ERRORS:
                    known = {str(m) for m in self._errors.get(NON_FIELD_ERRORS, [])}
                    messages = [m for m in messages if not set(m) <= known]
                elif name in self._errors:
                    continue
                if messages:
                    kept[name] = messages
            if not kept:
                return
            errors = ValidationError(kept)
        super()._update_errors(errors)


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


class ReasonCatalogForm(VersionedForm):
    class Meta:
        model = Reason
        fields = ["code", "category", "label_ko", "label_en", "sort_order"]
        widgets = {"sort_order": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort_order"].required = False

    def clean(self):
        data = super().clean()
        _stripped(self, "label_ko", "label_en")
        if data.get("sort_order") is None:
            data["sort_order"] = self.instance.sort_order if self.instance.pk else 999
        if self.instance.pk and "category" in self.changed_data:
            from catalog.services.catalog import reason_in_use

            if reason_in_use(self.instance):
                self.add_error(
                    "category",
                    _(
                        "This reason is in use: its category cannot change (the figures would "
                        "move with it). Retire it and add a new one."
                    ),
                )
        return data


class CustomerTypeCatalogForm(VersionedForm):
    class Meta:
        model = CustomerType
        fields = ["code", "name_ko", "name_en", "tips_ko", "tips_en", "sort_order"]
        widgets = {
            "tips_ko": forms.Textarea(attrs={"rows": 3}),
            "tips_en": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        _stripped(self, "name_ko", "name_en", "tips_ko", "tips_en")
        return data


class StepScriptCatalogForm(VersionedForm):
    key = forms.ChoiceField(label=_("Step"), choices=script_keys)

    class Meta:
        model = StepScript
        fields = ["key", "text_ko", "text_en"]
        widgets = {
            "text_ko": forms.Textarea(attrs={"rows": 4}),
            "text_en": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        _stripped(self, "text_ko", "text_en")
        return data


class BattlecardCatalogForm(VersionedForm):
    class Meta:
        model = Battlecard
        fields = [
            "competitor",
            "their_offer_ko",
            "their_offer_en",
            "our_answer_ko",
            "our_answer_en",
            "sort_order",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("their_offer_ko", "their_offer_en", "our_answer_ko", "our_answer_en")
        }

    def clean(self):
        data = super().clean()
        _stripped(
            self, "competitor", "their_offer_ko", "their_offer_en", "our_answer_ko", "our_answer_en"
        )
        return data


class ProductCatalogForm(VersionedForm):
    """A product and its policies. A change takes effect on `effective_from` (today: at
    once); quotes already given are stored on their requests and never change."""

    effective_from = forms.DateField(
        label=_("Takes effect on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Empty or today: at once. A later date: applied on that day."),
    )

    class Meta:
        model = Product
        fields = [
            "code",
            "name_ko",
            "name_en",
            "category",
            "monthly_fee",
            "alternatives",
            "minimum_term_months",
            "default_term_months",
            "penalty_rate_percent",
            "installation_fee",
            "registration_fee",
            "fee_adjustable",
            "fee_floor",
            "fee_adjustment_min_tenure_months",
            "relocatable",
            "term_extendable",
            "max_pause_months",
            "is_active",
        ]
        widgets = {"alternatives": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        others = Product.objects.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["alternatives"].queryset = others

    def clean(self):
        data = super().clean()
        _stripped(self, "name_ko", "name_en")
        fee = data.get("monthly_fee")
        if data.get("penalty_rate_percent") is not None and data["penalty_rate_percent"] > 100:
            self.add_error("penalty_rate_percent", _("A penalty rate is from 0 to 100%."))
        low, high = data.get("minimum_term_months"), data.get("default_term_months")
        if low is not None and low < 1:
            self.add_error("minimum_term_months", _("The minimum term is at least 1 month."))
        if low is not None and high is not None and high < low:
            self.add_error(
                "default_term_months", _("The standard term is shorter than the minimum term.")
            )
        if fee is not None and data.get("fee_floor") is not None and data["fee_floor"] > fee:
            self.add_error("fee_floor", _("The lowest adjusted fee is above the fee itself."))
        dearer = [
            p for p in data.get("alternatives") or [] if fee is not None and p.monthly_fee >= fee
        ]
        if dearer:
            self.add_error(
                "alternatives",
                _("Alternatives must cost less than this product: %(names)s")
                % {"names": ", ".join(p.name for p in dearer)},
            )
        effective = data.get("effective_from")
        if effective and effective < timezone.localdate():
            self.add_error("effective_from", _("A change cannot take effect in the past."))
        if effective and effective > timezone.localdate() and not self.instance.pk:
            self.add_error(
                "effective_from", _("A new product starts at once; leave the date empty.")
            )
        return data


IMPORT_MAX_CHARS = 2_000_000


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False, max_length=IMPORT_MAX_CHARS)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 2_000_000:
                raise forms.ValidationError(_("The file is larger than 2 MB."))
            raw = upload.read()
            try:
                data["content"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from error
            if CONTROL.search(data["content"]):
                raise forms.ValidationError(
                    _("The file contains control characters (such as NUL); it is not a CSV.")
                )
        if not data.get("content"):
            raise forms.ValidationError(_("Choose a CSV file."))
        return data
