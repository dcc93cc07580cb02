"""Every rule of the catalog forms, both ways: a bad value is refused with the error on the
field that holds it and nothing is saved (through the form and through the page), and the
value just inside the rule passes."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.choices import OfferKind, ReasonCategory
from catalog.forms.items import ProductCatalogForm, ReasonCatalogForm
from catalog.forms.offers import MAX_BENEFIT_KRW, OfferCatalogForm
from catalog.models import CatalogVersion, Offer, Reason, ScheduledChange
from catalog.rules import reason_in_use
from customers.models import Product
from tests.catalog.data import instance_data, offer_data, product_data
from tests.factories import OfferFactory, ProductFactory, ReasonFactory

pytestmark = pytest.mark.django_db


# ---- the offer form -----------------------------------------------------------------------


@pytest.fixture
def world(db):
    """The most expensive product costs KRW 30,000 a month; an offer already has a variant
    taking 60% of its calls."""
    top = ProductFactory(code="P-TOP", monthly_fee=30000)
    original = OfferFactory(code="AB-ORIG", reason_categories=[ReasonCategory.FINANCIAL])
    OfferFactory(
        code="AB-VAR-60",
        variant_of=original,
        traffic_share=60,
        reason_categories=[ReasonCategory.FINANCIAL],
    )
    return SimpleNamespace(
        top=top,
        original=original,
        reason=lambda code: Reason.objects.get(code=code).pk,
        now=timezone.localtime().replace(second=0, microsecond=0),
    )


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


def test_retired_variants_leave_their_share_free(world):
    Offer.objects.filter(code="AB-VAR-60").update(is_active=False)
    form = OfferCatalogForm(data=offer_data(variant_of=world.original.pk, traffic_share=99))
    assert form.is_valid(), form.errors


def test_editing_a_variant_does_not_count_its_own_share_twice(world):
    variant = Offer.objects.get(code="AB-VAR-60")
    form = OfferCatalogForm(data=instance_data(variant, traffic_share=99), instance=variant)
    assert form.is_valid(), form.errors


def test_an_offer_cannot_be_a_variant_of_a_variant_or_of_itself(world):
    variant = Offer.objects.get(code="AB-VAR-60")
    nested = OfferCatalogForm(data=offer_data(variant_of=variant.pk, traffic_share=10))
    assert not nested.is_valid()
    assert "variant_of" in nested.errors
    itself = OfferCatalogForm(
        data=instance_data(world.original, variant_of=world.original.pk, traffic_share=10),
        instance=world.original,
    )
    assert not itself.is_valid()
    assert "variant_of" in itself.errors


def test_an_offer_with_variants_cannot_become_a_variant(world):
    other = OfferFactory(code="OTHER", reason_categories=[ReasonCategory.FINANCIAL])
    form = OfferCatalogForm(
        data=instance_data(world.original, variant_of=other.pk, traffic_share=10),
        instance=world.original,
    )
    assert not form.is_valid()
    assert "variant_of" in form.errors


# ---- the product form ---------------------------------------------------------------------


@pytest.fixture
def dearer(db):
    return ProductFactory(code="P-DEAR", monthly_fee=30000)


PRODUCT_REFUSALS = [
    ("penalty-above-100-percent", lambda p: {"penalty_rate_percent": 101}, "penalty_rate_percent"),
    (
        "standard-term-shorter-than-minimum",
        lambda p: {"minimum_term_months": 36, "default_term_months": 24},
        "default_term_months",
    ),
    ("minimum-term-0", lambda p: {"minimum_term_months": 0}, "minimum_term_months"),
    ("fee-floor-above-the-fee", lambda p: {"fee_floor": 25001}, "fee_floor"),
    ("dearer-alternative", lambda p: {"alternatives": [p.pk]}, "alternatives"),
    (
        "alternative-at-the-same-fee",
        lambda p: {"monthly_fee": 30000, "fee_floor": 0, "alternatives": [p.pk]},
        "alternatives",
    ),
    (
        "takes-effect-in-the-past",
        lambda p: {"effective_from": timezone.localdate() - timedelta(days=1)},
        "effective_from",
    ),
    (
        "new-product-scheduled-for-later",
        lambda p: {"effective_from": timezone.localdate() + timedelta(days=1)},
        "effective_from",
    ),
    ("blank-english-name", lambda p: {"name_en": "  "}, "name_en"),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(o, f, id=i) for i, o, f in PRODUCT_REFUSALS],
)
def test_product_form_puts_the_error_on_the_field_at_fault(dearer, overrides, field):
    form = ProductCatalogForm(data=product_data(**overrides(dearer)))
    assert not form.is_valid()
    assert field in form.errors, form.errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(o, f, id=i) for i, o, f in PRODUCT_REFUSALS],
)
def test_product_page_refuses_and_saves_nothing(client_as_catalog_admin, dearer, overrides, field):
    products = Product.objects.count()
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["products"]), product_data(**overrides(dearer))
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Product.objects.count() == products
    assert not CatalogVersion.objects.exists()


def test_product_form_accepts_a_cheaper_alternative_and_a_date_today(dearer):
    cheaper = ProductFactory(code="P-CHEAP", monthly_fee=19000)
    form = ProductCatalogForm(
        data=product_data(alternatives=[cheaper.pk], effective_from=timezone.localdate())
    )
    assert form.is_valid(), form.errors


def test_product_edit_with_a_past_date_changes_nothing(client_as_catalog_admin, dearer):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["products", dearer.pk]),
        instance_data(dearer, penalty_rate_percent=50, effective_from=yesterday),
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    dearer.refresh_from_db()
    assert dearer.penalty_rate_percent == 30
    assert not ScheduledChange.objects.exists()
    assert not CatalogVersion.objects.exists()


def test_product_edit_may_take_effect_on_a_later_date(dearer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = ProductCatalogForm(
        data=instance_data(dearer, penalty_rate_percent=50, effective_from=tomorrow),
        instance=dearer,
    )
    assert form.is_valid(), form.errors


# ---- the reason form ----------------------------------------------------------------------


def _reason_edit(reason, **overrides):
    return ReasonCatalogForm(data=instance_data(reason, **overrides), instance=reason)


@pytest.fixture
def fee_burden(reason):
    return reason("fee_burden")


@pytest.fixture(
    params=["offer-answers-it", "a-request-gave-it"],
)
def in_use(request, fee_burden):
    if request.param == "offer-answers-it":
        OfferFactory(reasons=[fee_burden])
    else:
        request.getfixturevalue("walk")("financial_burden")
    assert reason_in_use(fee_burden)
    return fee_burden


def test_reason_in_use_cannot_change_category(in_use):
    form = _reason_edit(in_use, category=ReasonCategory.DISSATISFACTION)
    assert not form.is_valid()
    assert set(form.errors) == {"category"}


def test_reason_in_use_page_refuses_a_category_change(client_as_catalog_admin, in_use):
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["reasons", in_use.pk]),
        instance_data(in_use, category=ReasonCategory.DISSATISFACTION),
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    in_use.refresh_from_db()
    assert in_use.category == ReasonCategory.FINANCIAL
    assert not CatalogVersion.objects.exists()


def test_reason_in_use_may_still_be_relabelled(in_use):
    form = _reason_edit(in_use, label_en="The fee is too high")
    assert form.is_valid(), form.errors


def test_unused_reason_may_change_category(db):
    unused = ReasonFactory(code="unused-reason", category=ReasonCategory.FINANCIAL)
    assert not reason_in_use(unused)
    form = _reason_edit(unused, category=ReasonCategory.DISSATISFACTION)
    assert form.is_valid(), form.errors


def test_reason_labels_cannot_be_blank(db):
    unused = ReasonFactory(code="unused-reason")
    form = _reason_edit(unused, label_ko=" ", label_en="")
    assert not form.is_valid()
    assert set(form.errors) == {"label_ko", "label_en"}
