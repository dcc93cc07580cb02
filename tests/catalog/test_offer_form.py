"""The offer form's rules, both ways: a bad value is refused with the error on the field
that holds it and nothing is saved (through the form and through the page), the value
just inside the rule passes, and an edit keeps the retired choices it refers to."""

from datetime import timedelta

import pytest
from django.urls import reverse

from catalog.choices import OfferKind, ReasonCategory
from catalog.forms.offers import MAX_BENEFIT_KRW, OfferCatalogForm
from catalog.models import CatalogVersion, Offer
from catalog.services.items import catalog_retire, catalog_save
from customers.models import Product
from tests.catalog.data import instance_data, offer_data
from tests.factories import OfferFactory, ProductFactory, ReasonFactory

pytestmark = pytest.mark.django_db


def _at(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


D, FEE, FREE, PAUSE = (
    OfferKind.DISCOUNT_PERCENT,
    OfferKind.FEE_ADJUSTMENT,
    OfferKind.FREE_MONTHS,
    OfferKind.PAUSE,
)

# (id, overrides from the world, the field that must carry the error)
OFFER_REFUSALS = [
    ("discount-0-percent", lambda w: {"kind": D, "value": 0}, "value"),
    ("discount-101-percent", lambda w: {"kind": D, "value": 101, "agent_limit": 1}, "value"),
    ("fee-adjustment-0", lambda w: {"kind": FEE, "value": 0}, "value"),
    ("fee-adjustment-equal-to-highest-fee", lambda w: {"kind": FEE, "value": 30000}, "value"),
    ("fee-adjustment-above-highest-fee", lambda w: {"kind": FEE, "value": 45000}, "value"),
    ("free-months-0", lambda w: {"kind": FREE, "value": 0}, "value"),
    ("free-months-13", lambda w: {"kind": FREE, "value": 13, "agent_limit": 1}, "value"),
    ("pause-0", lambda w: {"kind": PAUSE, "value": 0}, "value"),
    ("pause-13", lambda w: {"kind": PAUSE, "value": 13}, "value"),
    (
        "product-change-with-a-value",
        lambda w: {"kind": OfferKind.PRODUCT_CHANGE, "value": 1},
        "value",
    ),
    (
        "contract-change-with-a-value",
        lambda w: {"kind": OfferKind.CONTRACT_CHANGE, "value": 12},
        "value",
    ),
    *[
        (
            f"{kind}-benefit-above-the-maximum",
            lambda w, kind=kind: {"kind": kind, "value": MAX_BENEFIT_KRW + 1},
            "value",
        )
        for kind in (OfferKind.SERVICE_IMPROVEMENT, OfferKind.COMPETITOR_MATCH, OfferKind.GIFT)
    ],
    (
        "window-ends-when-it-starts",
        lambda w: {"active_from": _at(w.now), "active_until": _at(w.now)},
        "active_until",
    ),
    (
        "window-ends-before-it-starts",
        lambda w: {"active_from": _at(w.now), "active_until": _at(w.now - timedelta(days=1))},
        "active_until",
    ),
    ("no-reason-category", lambda w: {"reason_categories": []}, "reason_categories"),
    (
        "unavoidable-is-not-a-category-an-offer-answers",
        lambda w: {"reason_categories": [ReasonCategory.UNAVOIDABLE]},
        "reason_categories",
    ),
    (
        "sub-reason-outside-the-ticked-categories",
        lambda w: {
            "reason_categories": [ReasonCategory.DISSATISFACTION],
            "reasons": [w.reason("product_quality"), w.reason("fee_burden")],
        },
        "reasons",
    ),
    *[
        (f"blank-{name}", lambda w, name=name: {name: "   \t "}, name)
        for name in ("name_ko", "name_en", "script_ko", "script_en")
    ],
    (
        "generous-discount-without-an-approval-limit",
        lambda w: {"kind": D, "value": 51},
        "agent_limit",
    ),
    (
        "generous-free-months-without-an-approval-limit",
        lambda w: {"kind": FREE, "value": 4},
        "agent_limit",
    ),
    (
        "fixed-value-limit-equal-to-its-cost",
        lambda w: {"value": 20000, "fixed_cost": 10000, "agent_limit": 30000},
        "agent_limit",
    ),
    (
        "fixed-value-limit-above-its-cost",
        lambda w: {"kind": OfferKind.GIFT, "value": 5000, "fixed_cost": 0, "agent_limit": 9000},
        "agent_limit",
    ),
    ("duration-on-a-non-discount", lambda w: {"duration_months": 3}, "duration_months"),
    (
        "target-product-on-a-non-product-change",
        lambda w: {"kind": FREE, "value": 1, "target_product": w.top.pk},
        "target_product",
    ),
    ("new-term-on-a-non-contract-change", lambda w: {"new_term_months": 24}, "new_term_months"),
    (
        "variant-without-a-share",
        lambda w: {"variant_of": w.original.pk, "traffic_share": ""},
        "traffic_share",
    ),
    (
        "variant-share-0",
        lambda w: {"variant_of": w.original.pk, "traffic_share": 0},
        "traffic_share",
    ),
    (
        "variant-share-100",
        lambda w: {"variant_of": w.original.pk, "traffic_share": 100},
        "traffic_share",
    ),
    (
        "variant-shares-summing-over-99",
        lambda w: {"variant_of": w.original.pk, "traffic_share": 40},
        "traffic_share",
    ),
    ("share-without-being-a-variant", lambda w: {"traffic_share": 10}, "traffic_share"),
    (
        "variant-answering-other-reason-categories",
        lambda w: {
            "variant_of": w.original.pk,
            "traffic_share": 10,
            "reason_categories": [ReasonCategory.FINANCIAL, ReasonCategory.COMPETITOR],
        },
        "variant_of",
    ),
    (
        "maximum-tenure-below-the-minimum",
        lambda w: {"min_tenure_months": 12, "max_tenure_months": 11},
        "max_tenure_months",
    ),
]

# (id, overrides): values just inside each rule.
OFFER_ACCEPTED = [
    ("plain", lambda w: {}),
    ("discount-1-percent", lambda w: {"kind": D, "value": 1}),
    ("discount-50-percent-without-a-limit", lambda w: {"kind": D, "value": 50}),
    ("discount-100-percent-with-a-limit", lambda w: {"kind": D, "value": 100, "agent_limit": 1}),
    ("discount-for-3-months", lambda w: {"kind": D, "value": 10, "duration_months": 3}),
    ("fee-adjustment-below-highest-fee", lambda w: {"kind": FEE, "value": 29999}),
    ("free-months-1", lambda w: {"kind": FREE, "value": 1}),
    ("free-months-3-without-a-limit", lambda w: {"kind": FREE, "value": 3}),
    ("free-months-12-with-a-limit", lambda w: {"kind": FREE, "value": 12, "agent_limit": 1}),
    ("pause-12", lambda w: {"kind": PAUSE, "value": 12}),
    (
        "product-change-to-a-target",
        lambda w: {"kind": OfferKind.PRODUCT_CHANGE, "value": 0, "target_product": w.top.pk},
    ),
    (
        "contract-change-to-a-new-term",
        lambda w: {"kind": OfferKind.CONTRACT_CHANGE, "value": 0, "new_term_months": 24},
    ),
    ("benefit-at-the-maximum", lambda w: {"value": MAX_BENEFIT_KRW}),
    (
        "fixed-value-limit-below-its-cost",
        lambda w: {"value": 20000, "fixed_cost": 10000, "agent_limit": 29999},
    ),
    (
        "window-ends-after-it-starts",
        lambda w: {"active_from": _at(w.now), "active_until": _at(w.now + timedelta(hours=1))},
    ),
    (
        "sub-reason-inside-the-ticked-categories",
        lambda w: {"reasons": [w.reason("fee_burden"), w.reason("income_drop")]},
    ),
    ("tenure-range-of-one-month", lambda w: {"min_tenure_months": 12, "max_tenure_months": 12}),
    (
        "variant-taking-the-last-39-percent",
        lambda w: {"variant_of": w.original.pk, "traffic_share": 39},
    ),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(o, f, id=i) for i, o, f in OFFER_REFUSALS],
)
def test_offer_form_puts_the_error_on_the_field_at_fault(world, overrides, field):
    form = OfferCatalogForm(data=offer_data(**overrides(world)))
    assert not form.is_valid()
    assert set(form.errors) - {"__all__"} == {field}, form.errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(o, f, id=i) for i, o, f in OFFER_REFUSALS],
)
def test_offer_page_refuses_and_saves_nothing(client_as_catalog_admin, world, overrides, field):
    offers, versions = Offer.objects.count(), CatalogVersion.objects.count()
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]), offer_data(**overrides(world))
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="error-{field}"' in response.content.decode()
    assert Offer.objects.count() == offers
    assert CatalogVersion.objects.count() == versions


@pytest.mark.parametrize("overrides", [pytest.param(o, id=i) for i, o in OFFER_ACCEPTED])
def test_offer_form_accepts_values_just_inside_each_rule(world, overrides):
    form = OfferCatalogForm(data=offer_data(**overrides(world)))
    assert form.is_valid(), form.errors


def test_offer_page_saves_a_valid_offer_as_a_draft(client_as_catalog_admin, world):
    response = client_as_catalog_admin.post(reverse("catalog_new", args=["offers"]), offer_data())
    offer = Offer.objects.get(code="NEW-VISIT")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog_edit", args=["offers", offer.pk])
    assert offer.is_draft
    assert offer.value == 20000


# ---- retired choices are kept ---------------------------------------------------------------


def test_an_edit_keeps_a_retired_sub_reason_and_a_product_off_sale(catalog_admin):
    reason = ReasonFactory(code="only-this", category=ReasonCategory.FINANCIAL)
    target = ProductFactory(code="P-LITE", monthly_fee=10000)
    offer = OfferFactory(
        code="DOWN",
        kind=OfferKind.PRODUCT_CHANGE,
        value=0,
        target_product=target,
        reason_categories=[ReasonCategory.FINANCIAL],
        reasons=[reason],
    )
    catalog_retire(instance=reason, user=catalog_admin)
    Product.objects.filter(pk=target.pk).update(is_active=False)
    form = OfferCatalogForm(data=instance_data(offer, name_en="Renamed"), instance=offer)
    catalog_save(form=form, user=catalog_admin)
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.name_en == "Renamed"
    assert list(offer.reasons.values_list("code", flat=True)) == ["only-this"]
    assert offer.target_product_id == target.pk
    fresh = OfferCatalogForm(data=offer_data(code="NEW", reasons=[reason.pk]))
    assert "reasons" in fresh.errors  # not offered for a new choice
