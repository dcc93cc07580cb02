"""What an offer would do before it is published: who it reaches (counted as the engine
counts) and where it ranks, through the preview button that saves nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cancellations.models import CancellationRequest
from cancellations.offer_engine.loading import offer_rank_preview
from cancellations.offer_engine.reach import _months_back, offer_reach
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import CatalogVersion, Offer
from core.dates import add_months, months_between
from customers.choices import ContractStatus, ProductCategory, ValueTier
from customers.models import Contract
from tests.catalog.data import instance_data, offer_data
from tests.factories import ContractFactory, CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _fresh(request) -> CancellationRequest:
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)


# ---- reach ----------------------------------------------------------------------------------


@pytest.fixture
def book(today):
    """Water purifiers whose fee can be adjusted: 3 contracts 20 months old (one of a VIP), 1
    only 6 months old, 1 cancelled. A purifier whose fee cannot be adjusted: 1 contract.
    Bidets whose fee can be adjusted: 2 contracts 20 months old."""
    adjustable = ProductFactory(
        code="WP-ADJ", fee_adjustable=True, fee_floor=20000, fee_adjustment_min_tenure_months=12
    )
    fixed = ProductFactory(code="WP-FIXED", fee_adjustable=False)
    bidet = ProductFactory(
        code="BD-ADJ",
        category=ProductCategory.BIDET,
        fee_adjustable=True,
        fee_floor=20000,
        fee_adjustment_min_tenure_months=12,
    )
    old = add_months(today, -20)
    ContractFactory(product=adjustable, start_date=old)
    ContractFactory(product=adjustable, start_date=old)
    ContractFactory(
        product=adjustable, start_date=old, customer=CustomerFactory(value_tier=ValueTier.VIP)
    )
    ContractFactory(product=adjustable, start_date=add_months(today, -6))
    ContractFactory(
        product=adjustable, start_date=old, status=ContractStatus.CANCELLED, cancelled_on=today
    )
    ContractFactory(product=fixed, start_date=old)
    ContractFactory(product=bidet, start_date=old)
    ContractFactory(product=bidet, start_date=old)


def _offer(**fields) -> Offer:
    """An unsaved offer, as the preview sees the form's proposal."""
    fields = {
        "code": "PREVIEW",
        "kind": OfferKind.FEE_ADJUSTMENT,
        "value": 3000,
        "reason_categories": [ReasonCategory.FINANCIAL],
        **fields,
    }
    return Offer(**fields)


@pytest.mark.parametrize(
    ("fields", "reach"),
    [
        pytest.param({}, 5, id="fee-adjustment-everywhere"),
        pytest.param(
            {"product_categories": [ProductCategory.WATER_PURIFIER]}, 3, id="purifiers-only"
        ),
        pytest.param({"product_categories": [ProductCategory.BIDET]}, 2, id="bidets-only"),
        pytest.param({"value_tiers": [ValueTier.VIP]}, 1, id="vip-only"),
        pytest.param({"value_tiers": [ValueTier.GOLD]}, 0, id="gold-only"),
        pytest.param({"min_tenure_months": 21}, 0, id="longer-tenure-than-anyone"),
        pytest.param({"value": 10001}, 0, id="below-every-fee-floor"),
        pytest.param(
            {"kind": OfferKind.SERVICE_IMPROVEMENT, "value": 20000}, 7, id="no-guard-of-its-type"
        ),
        pytest.param(
            {"kind": OfferKind.SERVICE_IMPROVEMENT, "value": 20000, "max_tenure_months": 6},
            1,
            id="young-customers-only",
        ),
    ],
)
def test_reach_counts_the_active_contracts_the_offer_fits(book, today, fields, reach):
    assert offer_reach(offer=_offer(**fields), today=today) == reach


def test_reach_leaves_out_a_contract_whose_fee_was_adjusted_this_year(book, today):
    contract = ContractFactory(
        product=ProductFactory(code="WP-2", fee_floor=0), start_date=add_months(today, -30)
    )
    assert offer_reach(offer=_offer(), today=today) == 6
    contract.fee_adjusted_on = today - timedelta(days=30)
    contract.save()
    assert offer_reach(offer=_offer(), today=today) == 5
    contract.fee_adjusted_on = today - timedelta(days=400)
    contract.save()
    assert offer_reach(offer=_offer(), today=today) == 6


# ---- rank preview ---------------------------------------------------------------------------


@pytest.fixture
def in_branch(walk, fee_offer, visit_offer):
    """A financial-burden call with two live offers: the visit (net 1,180,000) before KRW
    3,000 off the fee (net 1,080,000)."""
    return _fresh(walk("financial_burden"))


def _gift(**fields) -> Offer:
    return _offer(code="GIFT-1000", kind=OfferKind.GIFT, value=1000, fixed_cost=1000, **fields)


def test_a_clearly_better_draft_ranks_first(in_branch):
    draft = _gift(is_draft=True)
    ranked, mine = offer_rank_preview(request=in_branch, draft=draft, reason_ids=set())
    assert mine.eligible and mine.why_not == []
    assert mine.net_value == 30000 * 40 - 1000
    assert [e.offer.code for e in ranked] == ["GIFT-1000", "VISIT", "FEE-3000"]
    assert ranked[0] is mine


def test_an_ineligible_draft_is_not_ranked_and_says_why(in_branch):
    ranked, mine = offer_rank_preview(
        request=in_branch, draft=_gift(min_tenure_months=36), reason_ids=set()
    )
    assert not mine.eligible
    assert mine.why_not == ["It needs 36 months of tenure (now 20)."]
    assert [e.offer.code for e in ranked] == ["VISIT", "FEE-3000"]


def test_a_draft_for_other_sub_reasons_is_not_ranked(in_branch, reason):
    ranked, mine = offer_rank_preview(
        request=in_branch, draft=_gift(), reason_ids={reason("income_drop").pk}
    )
    assert mine.why_not == ["It answers other sub-reasons only."]
    assert "GIFT-1000" not in [e.offer.code for e in ranked]


def test_an_edited_offer_ranks_once_with_its_new_terms(in_branch, fee_offer):
    fee_offer.value = 500  # 500 x 40 months: net 1,180,000, before the visit by code
    ranked, mine = offer_rank_preview(request=in_branch, draft=fee_offer, reason_ids=set())
    assert [e.offer.code for e in ranked] == ["FEE-3000", "VISIT"]
    assert mine.cost == 20000
    assert Offer.objects.get(pk=fee_offer.pk).value == 3000


def test_preview_on_the_page_shows_reach_and_rank_and_saves_nothing(
    client_as_catalog_admin, in_branch
):
    offers, versions = Offer.objects.count(), CatalogVersion.objects.count()
    data = offer_data(code="GIFT-1000", kind=OfferKind.GIFT, value=1000, fixed_cost=1000)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]),
        {**data, "preview": "1", "sample": in_branch.pk},
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview["reach"] == 1  # the one active contract of the book
    assert preview["sample"].pk == in_branch.pk
    assert preview["position"] == 1
    assert [e.offer.code for e in preview["ranked"]] == ["GIFT-1000", "VISIT", "FEE-3000"]
    page = response.content.decode()
    assert "Eligible today for 1 active contract" in page
    assert "It would be offer 1 of 3." in page
    assert Offer.objects.count() == offers
    assert CatalogVersion.objects.count() == versions


def test_preview_ranks_against_the_latest_call_whose_contract_still_runs(
    client_as_catalog_admin, in_branch, walk
):
    """A newer call on a contract that has since been cancelled gets no offers at all, so
    the preview picks the latest call on a running contract."""
    gone = walk("financial_burden", contract_=ContractFactory())
    Contract.objects.filter(pk=gone.contract_id).update(
        status=ContractStatus.CANCELLED, cancelled_on=timezone.localdate()
    )
    data = offer_data(code="GIFT-1000", kind=OfferKind.GIFT, value=1000, fixed_cost=1000)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]), {**data, "preview": "1"}
    )
    assert gone.pk > in_branch.pk
    assert response.context["preview"]["sample"].pk == in_branch.pk
    assert response.context["preview"]["position"] == 1


def test_preview_of_an_offer_the_call_cannot_get_says_why(client_as_catalog_admin, in_branch):
    data = offer_data(code="GIFT-1000", kind=OfferKind.GIFT, value=1000, min_tenure_months=36)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]), {**data, "preview": "1"}
    )
    assert response.context["preview"]["sample"].pk == in_branch.pk  # the latest matching
    assert response.context["preview"]["position"] is None
    assert "It needs 36 months of tenure (now 20)." in response.content.decode()
    assert not Offer.objects.filter(code="GIFT-1000").exists()


def test_preview_of_an_edit_compares_and_leaves_the_offer_alone(
    client_as_catalog_admin, in_branch, visit_offer
):
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", visit_offer.pk]),
        {**instance_data(visit_offer, fixed_cost=500000), "preview": "1"},
    )
    preview = response.context["preview"]
    assert preview["changed"] == {"fixed_cost"}
    change = next(c for c in preview["changes"] if c.name == "fixed_cost")
    assert (change.before, change.after) == ("20,000", "500,000")
    assert [e.offer.code for e in preview["ranked"]] == ["FEE-3000", "VISIT"]
    visit_offer.refresh_from_db()
    assert visit_offer.fixed_cost == 20000
    assert not CatalogVersion.objects.exists()


# ---- reach agrees with the engine -----------------------------------------------------------


def test_tenure_boundaries_match_the_engine_on_every_day_of_two_years():
    start = date(2024, 1, 1)
    for offset in range(731):
        today = start + timedelta(days=offset)
        for months in (1, 2, 6, 12, 13):
            latest = _months_back(today, months)
            assert months_between(latest, today) >= months, (today, months)
            assert months_between(latest + timedelta(days=1), today) < months, (today, months)


def test_reach_counts_contracts_of_a_product_off_sale_and_nothing_outside_the_window():
    off_sale = ProductFactory(code="P-OLD", is_active=False)
    ContractFactory(product=off_sale)
    offer = Offer(
        code="GIFT",
        kind=OfferKind.GIFT,
        value=1000,
        reason_categories=[ReasonCategory.FINANCIAL],
    )
    assert offer_reach(offer=offer) == 1
    offer.active_from = timezone.now() + timedelta(days=1)
    assert offer_reach(offer=offer) == 0
    offer.active_from, offer.active_until = None, timezone.now() - timedelta(minutes=1)
    assert offer_reach(offer=offer) == 0
