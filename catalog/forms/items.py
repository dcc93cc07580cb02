"""The forms of the other catalog items (reasons, products and policies, the customer-type
playbook, step scripts, battlecards) and of the offer CSV import."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.forms.base import VersionedForm, _stripped
from catalog.models import Battlecard, CustomerType, Reason, StepScript
from catalog.rules import reason_in_use
from catalog.scripts import script_keys
from core.text import CONTROL
from customers.models import Product


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
        if self.instance.pk and "category" in self.changed_data and reason_in_use(self.instance):
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
