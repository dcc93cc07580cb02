"""What an offer would do before it is published (who it reaches, where it ranks, through the
preview button that saves nothing), and A/B tests: a stable draw per call, exactly one arm
per call, and the dashboard table comparing the arms."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.offer_engine.ab import variant_bucket, variant_drawn
from cancellations.offer_engine.loading import (
    offer_evaluate_for_request,
    offer_rank_preview,
    offers_for_request,
)
from cancellations.offer_engine.reach import offer_reach
from cancellations.services.offers import offer_present
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import CatalogVersion, Offer
from core.dates import add_months
from core.errors import ServiceError
from customers.choices import ContractStatus, ProductCategory, ValueTier
from customers.models import Contract
from reporting.analytics.filters import Filters
from reporting.analytics.save_rate import ab_tests
from reporting.models import RequestFact
from tests.catalog.data import instance_data, offer_data
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    OfferFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

AB_MESSAGE = "Another arm of this A/B test was drawn for this call."


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


# ---- the A/B draw ---------------------------------------------------------------------------


def test_the_bucket_of_a_call_is_the_same_every_time():
    assert [variant_bucket(n, "AB") for n in range(200)] == [
        variant_bucket(n, "AB") for n in range(200)
    ]
    assert {variant_bucket(n, "AB") for n in range(2000)} == set(range(100))
    # Each test draws independently of the others.
    assert [variant_bucket(n, "AB") for n in range(50)] != [
        variant_bucket(n, "CD") for n in range(50)
    ]


def test_a_30_percent_variant_gets_about_30_percent_of_calls():
    original = Offer(pk=1, code="AB")
    variant = Offer(pk=2, code="AB-B", variant_of_id=1, traffic_share=30)
    drawn = [variant_drawn(n, original, [variant]) for n in range(1, 10_001)]
    assert 0.27 <= drawn.count(variant) / len(drawn) <= 0.33
    # Exactly the calls whose bucket falls in the variant's 30 go to the variant.
    assert [d is variant for d in drawn] == [variant_bucket(n, "AB") < 30 for n in range(1, 10_001)]
    assert drawn == [variant_drawn(n, original, [variant]) for n in range(1, 10_001)]


def test_variants_take_their_shares_in_id_order():
    original = Offer(pk=1, code="AB")
    second = Offer(pk=3, code="AB-C", traffic_share=30)
    first = Offer(pk=2, code="AB-B", traffic_share=20)
    for n in range(500):
        bucket = variant_bucket(n, "AB")
        expected = first if bucket < 20 else second if bucket < 50 else original
        assert variant_drawn(n, original, [second, first]) is expected


@pytest.fixture
def ab_call(walk):
    """A financial-burden call, and a test code whose bucket for it is neither 0 nor 99, so
    either arm can be made the one drawn."""
    request = _fresh(walk("financial_burden"))
    code = next(f"AB-{n}" for n in range(100) if 1 <= variant_bucket(request.pk, f"AB-{n}") <= 98)
    return request, code


def _ab_test(request, code, drawn: str, **variant_fields):
    """An original and a variant; the variant's share puts this call in the `drawn` arm."""
    bucket = variant_bucket(request.pk, code)
    categories = [ReasonCategory.FINANCIAL]
    original = OfferFactory(code=code, value=20000, reason_categories=categories)
    variant = OfferFactory(
        code=f"{code}-B",
        value=25000,
        reason_categories=categories,
        variant_of=original,
        traffic_share=bucket + 1 if drawn == "variant" else bucket,
        **variant_fields,
    )
    assert variant_drawn(request.pk, original, [variant]) == (
        variant if drawn == "variant" else original
    )
    return (variant, original) if drawn == "variant" else (original, variant)


@pytest.mark.parametrize("drawn", ["original", "variant"])
def test_a_call_is_offered_exactly_one_arm(ab_call, drawn):
    request, code = ab_call
    shown, hidden = _ab_test(request, code, drawn)
    codes = [e.offer.code for e in offers_for_request(request=request)]
    assert shown.code in codes
    assert hidden.code not in codes
    everything = {
        e.offer.code: e for e in offers_for_request(request=request, include_ineligible=True)
    }
    assert everything[hidden.code].why_not == [AB_MESSAGE]
    # The draw does not change when asked again.
    assert [e.offer.code for e in offers_for_request(request=request)] == codes


@pytest.mark.parametrize("drawn", ["original", "variant"])
def test_the_arm_not_drawn_cannot_be_presented(ab_call, agent, drawn):
    request, code = ab_call
    shown, hidden = _ab_test(request, code, drawn)
    refused = offer_evaluate_for_request(request=request, offer=hidden)
    assert not refused.eligible
    assert refused.why_not == [AB_MESSAGE]
    assert offer_evaluate_for_request(request=request, offer=shown).eligible
    with pytest.raises(ServiceError):
        offer_present(request_id=request.pk, user=agent, offer_id=hidden.pk)
    assert not OfferPresentation.objects.filter(request=request).exists()
    presented = offer_present(request_id=request.pk, user=agent, offer_id=shown.pk)
    assert presented.code == shown.code


@pytest.mark.parametrize("status", [{"is_draft": True}, {"is_active": False}])
def test_a_draft_or_retired_variant_takes_no_calls(ab_call, status):
    request, code = ab_call
    variant, original = _ab_test(request, code, "variant", **status)
    codes = [e.offer.code for e in offers_for_request(request=request)]
    assert original.code in codes
    assert variant.code not in codes
    assert offer_evaluate_for_request(request=request, offer=original).eligible


def test_a_variant_listed_after_its_original_is_retired_can_be_presented(ab_call, agent):
    request, code = ab_call
    original, variant = _ab_test(request, code, "original")
    Offer.objects.filter(pk=original.pk).update(is_active=False)
    listed = [e.offer.code for e in offers_for_request(request=request)]
    assert listed == [variant.code]
    presented = offer_present(request_id=request.pk, user=agent, offer_id=variant.pk)
    assert presented.code == variant.code


# ---- the A/B dashboard table ----------------------------------------------------------------


@pytest.fixture
def arms(db):
    original = OfferFactory(code="AB-ORIG", name_en="Visit")
    variant = OfferFactory(
        code="AB-VAR", name_en="Visit and gift", variant_of=original, traffic_share=50
    )
    OfferFactory(code="NOT-A-TEST")
    return original, variant


def _present(offer, *, saved, lost, agent, net=1000):
    """Facts of `saved` calls where the offer was accepted and the customer stayed, and
    `lost` calls where it was declined and they left. A save kept `net` + 1,000 KRW of fees
    (one month left) and its offer cost 1,000: net value `net`."""
    contract = ContractFactory()
    requests = CancellationRequest.objects.bulk_create(
        CancellationRequest(
            contract=contract,
            customer=contract.customer,
            agent=agent,
            state=RequestState.RETAINED if n < saved else RequestState.CANCELLED,
        )
        for n in range(saved + lost)
    )
    now = timezone.now()
    RequestFact.objects.bulk_create(
        RequestFact(
            request=request,
            closed_at=now,
            closed_on=timezone.localdate(now),
            is_retained=n < saved,
            contract_id=contract.pk,
            customer_id=contract.customer_id,
            agent_id=agent.pk,
            reason_category="dissatisfaction",
            product_id=contract.product_id,
            product_category=contract.product.category,
            value_tier="standard",
            branch="dissatisfied",
            path=f"dissatisfied|{offer.code}:{'+' if n < saved else '-'}",
            offers_presented=1,
            offer_code=offer.code if n < saved else "",
            offer_cost=1000 if n < saved else 0,
            monthly_fee=net + 1000,
            months_left=1,
            seconds_total=60,
        )
        for n, request in enumerate(requests)
    )


def _rows():
    return {row["key"]: row for row in ab_tests(Filters.from_query({}))}


def test_ab_table_compares_the_arms_and_finds_a_big_difference_significant(arms, agent):
    original, variant = arms
    _present(original, saved=100, lost=300, agent=agent)
    _present(variant, saved=200, lost=200, agent=agent, net=2000)
    rows = ab_tests(Filters.from_query({}))
    assert [(r["key"], r["test"], str(r["arm"])) for r in rows] == [
        ("AB-ORIG", "AB-ORIG", "original"),
        ("AB-VAR", "AB-ORIG", "variant"),
    ]
    first, second = rows
    assert (first["presented"], first["saved"], first["rate"], first["net"]) == (
        400,
        100,
        0.25,
        100 * 1000,
    )
    assert first["p_value"] is None and first["verdict"] == ""
    assert (second["presented"], second["saved"], second["rate"], second["net"]) == (
        400,
        200,
        0.5,
        200 * 2000,
    )
    assert second["p_value"] < 0.001
    assert str(second["verdict"]) == "significant (95%)"
    assert first["label"] == "Visit" and second["label"] == "Visit and gift"


def test_ab_table_calls_a_small_difference_not_significant_yet(arms, agent):
    original, variant = arms
    _present(original, saved=5, lost=5, agent=agent)
    _present(variant, saved=6, lost=4, agent=agent)
    row = _rows()["AB-VAR"]
    assert (row["presented"], row["saved"]) == (10, 6)
    assert row["p_value"] > 0.05
    assert str(row["verdict"]) == "not significant yet"


def test_ab_table_with_no_calls_says_too_few(arms):
    rows = _rows()
    assert set(rows) == {"AB-ORIG", "AB-VAR"}
    assert (rows["AB-VAR"]["presented"], rows["AB-VAR"]["saved"]) == (0, 0)
    assert rows["AB-VAR"]["rate"] is None
    assert rows["AB-VAR"]["p_value"] is None
    assert str(rows["AB-VAR"]["verdict"]) == "too few calls"


def test_ab_table_counts_an_acceptance_only_when_the_customer_stayed(arms, agent):
    original, _variant = arms
    _present(original, saved=3, lost=0, agent=agent)
    # The customer accepted, then left anyway: no longer a save.
    RequestFact.objects.update(is_retained=False)
    row = _rows()["AB-ORIG"]
    assert (row["presented"], row["saved"], row["net"]) == (3, 0, 0)


def test_ab_table_is_empty_without_tests(db):
    OfferFactory(code="PLAIN")
    assert ab_tests(Filters.from_query({})) == []


def test_ab_table_as_csv(client_as_supervisor, arms, agent):
    original, variant = arms
    _present(original, saved=100, lost=300, agent=agent)
    _present(variant, saved=200, lost=200, agent=agent)
    response = client_as_supervisor.get(reverse("dashboard_csv", args=["ab-tests"]))
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert header[0].lstrip("\ufeff") == "Test"
    assert [row[:6] for row in rows] == [
        ["AB-ORIG", "Visit", "original", "400", "100", "0.2500"],
        ["AB-ORIG", "Visit and gift", "variant", "400", "200", "0.5000"],
    ]
    assert rows[0][7] == ""
    assert float(rows[1][7]) < 0.05
    assert rows[1][8] == "significant (95%)"
