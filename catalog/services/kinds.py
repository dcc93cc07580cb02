"""The kinds of item the catalog workspace edits, each with its model, form and title."""

from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy

from catalog.forms.items import (
    BattlecardCatalogForm,
    CustomerTypeCatalogForm,
    ProductCatalogForm,
    ReasonCatalogForm,
    StepScriptCatalogForm,
)
from catalog.forms.offers import OfferCatalogForm
from catalog.models import Battlecard, CustomerType, Offer, Reason, StepScript
from customers.models import Product


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[models.Model]
    form: type[forms.ModelForm]
    title: str


KINDS = {
    k.slug: k
    for k in (
        Kind("offers", Offer, OfferCatalogForm, gettext_lazy("Offers")),
        Kind("reasons", Reason, ReasonCatalogForm, gettext_lazy("Reasons")),
        Kind("products", Product, ProductCatalogForm, gettext_lazy("Products and policies")),
        Kind(
            "customer-types",
            CustomerType,
            CustomerTypeCatalogForm,
            gettext_lazy("Customer-type playbook"),
        ),
        Kind("scripts", StepScript, StepScriptCatalogForm, gettext_lazy("Step scripts")),
        Kind(
            "battlecards",
            Battlecard,
            BattlecardCatalogForm,
            gettext_lazy("Competitor battlecards"),
        ),
    )
}

# State that is not on the form but belongs to a version (retire / publish are changes too).
_EXTRA_STATE = {
    Offer: ["is_active", "is_draft"],
    Reason: ["is_active"],
    CustomerType: ["is_active"],
    Battlecard: ["is_active"],
}


def kind_for(instance) -> Kind:
    return next(k for k in KINDS.values() if isinstance(instance, k.model))
