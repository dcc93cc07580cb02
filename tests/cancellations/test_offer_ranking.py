"""The ranking of offers (net value, then acceptance for the same sub-reason), which calls
get offers at all, and a query count that does not grow with the catalog."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cancellations.choices import PresentationAnswer
from cancellations.offer_engine.loading import offers_for_request
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_decline, offer_present
from cancellations.services.tally import tally_rebuild
from catalog.choices import OfferKind, ReasonCategory
from customers.choices import ValueTier
from tests.cancellations.helpers import KEPT, offer_of_kind, presentation_row, request_as_loaded
from tests.factories import (
    CancellationRequestFactory,
    ContractFactory,
    OfferFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


# ---- ranking -----------------------------------------------------------------------------


def _history(agent, reason, offer, *, accepted=0, declined=0, other=0):
    """Past answers to `offer` from other customers who gave `reason`."""
    past = CancellationRequestFactory(agent=agent)
    for answer, count in (
        (PresentationAnswer.ACCEPTED, accepted),
        (PresentationAnswer.DECLINED, declined),
        (PresentationAnswer.ABANDONED, other),
    ):
        for _ in range(count):
            presentation_row(request=past, offer=offer, answer=answer, reason=reason)
    tally_rebuild()  # rows made directly, as the demo history loads them


def test_offers_are_ranked_by_net_value_best_first(walk, visit_offer, fee_offer, costly_offer):
    ranked = offers_for_request(request=walk("financial_burden"))
    assert [(e.offer.code, e.net_value) for e in ranked] == [
        ("VISIT", KEPT - 20_000),
        ("MATCH", KEPT - 80_000),
        ("FEE-3000", KEPT - 120_000),
    ]


def test_equal_net_values_are_ranked_by_acceptance_for_the_same_sub_reason(walk, agent, reason):
    gift_a = offer_of_kind(OfferKind.GIFT, code="GIFT-A", fixed_cost=20_000)
    gift_b = offer_of_kind(OfferKind.GIFT, code="GIFT-B", fixed_cost=20_000)
    gift_c = offer_of_kind(OfferKind.GIFT, code="GIFT-C", fixed_cost=20_000)
    gift_d = offer_of_kind(OfferKind.GIFT, code="GIFT-D", fixed_cost=20_000)
    offer_of_kind(OfferKind.GIFT, code="ZZ-CHEAP", fixed_cost=1_000)
    offer_of_kind(OfferKind.GIFT, code="AA-DEAR", fixed_cost=90_000)
    fee_burden = reason("fee_burden")
    _history(agent, fee_burden, gift_a, accepted=1, declined=3, other=6)  # 1/4
    _history(agent, fee_burden, gift_b, accepted=3, declined=1)  # 3/4
    _history(agent, reason("income_drop"), gift_d, accepted=9)  # another sub-reason
    ranked = offers_for_request(request=walk("financial_burden"))  # reason: fee_burden
    assert [(e.offer.code, e.acceptance_rate) for e in ranked] == [
        ("ZZ-CHEAP", None),
        ("GIFT-B", 0.75),
        ("GIFT-A", 0.25),
        ("GIFT-C", None),
        ("GIFT-D", None),
        ("AA-DEAR", None),
    ]
    assert gift_c.code < gift_d.code


def test_ineligible_offers_follow_the_eligible_ones_only_when_asked(walk, visit_offer, fee_offer):
    OfferFactory(code="AAA-RETIRED", is_active=False)
    OfferFactory(code="AAB-DISSAT", reason_categories=[ReasonCategory.DISSATISFACTION])
    OfferFactory(code="AAC-VIP", value_tiers=[ValueTier.VIP])
    request = walk("financial_burden")

    eligible = offers_for_request(request=request)
    assert [e.offer.code for e in eligible] == ["VISIT", "FEE-3000"]
    assert all(e.eligible for e in eligible)

    everything = offers_for_request(request=request, include_ineligible=True)
    assert [(e.offer.code, e.eligible) for e in everything] == [
        ("VISIT", True),
        ("FEE-3000", True),
        ("AAA-RETIRED", False),
        ("AAB-DISSAT", False),
        ("AAC-VIP", False),
    ]
    assert all(e.why_not for e in everything[2:])


def test_a_request_still_identifying_the_reason_gets_no_offers(opened, visit_offer, fee_offer):
    assert offers_for_request(request=opened) == []


def test_a_request_being_cancelled_gets_no_offers(walk, agent, visit_offer, fee_offer):
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    assert offers_for_request(request=request_as_loaded(request)) == []


def test_outside_a_branch_no_offer_is_reported_eligible(walk, agent, visit_offer, fee_offer):
    """The console may list the catalog with the reasons; outside a branch none can be made."""
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    listed = offers_for_request(request=request_as_loaded(request), include_ineligible=True)
    assert [e.offer.code for e in listed if e.eligible] == []


@pytest.mark.parametrize(
    "branch", ["dissatisfied", "financial_burden", "contract_change", "competitor"]
)
def test_every_branch_gets_its_offers(walk, visit_offer, branch):
    assert [e.offer.code for e in offers_for_request(request=walk(branch))] == ["VISIT"]


# ---- queries -----------------------------------------------------------------------------


def _catalog(count, *, start, product, reason):
    cheaper = ProductFactory(monthly_fee=20_000)
    product.alternatives.add(cheaper)
    kinds = [
        (OfferKind.GIFT, {}),
        (OfferKind.FEE_ADJUSTMENT, {"value": 2_000}),
        (OfferKind.DISCOUNT_PERCENT, {"value": 10, "duration_months": 6}),
        (OfferKind.PRODUCT_CHANGE, {"target_product": cheaper}),
        (OfferKind.PRODUCT_CHANGE, {}),
        (OfferKind.FREE_MONTHS, {"value": 1}),
    ]
    offers = []
    for n in range(start, start + count):
        kind, extra = kinds[n % len(kinds)]
        offers.append(
            OfferFactory(
                code=f"Q-{n:03d}",
                kind=kind,
                reasons=[reason] if n % 3 == 0 else None,
                max_uses_per_year=1 if n % 4 == 0 else None,
                **extra,
            )
        )
    return offers


def test_offers_for_request_runs_the_same_queries_for_3_or_30_offers(
    walk, agent, contract, product, reason
):
    fee_burden = reason("fee_burden")
    offers = _catalog(3, start=0, product=product, reason=fee_burden)
    sibling = CancellationRequestFactory(
        contract=ContractFactory(customer=contract.customer), agent=agent
    )
    for offer in offers:
        presentation_row(request=sibling, offer=offer, answer=PresentationAnswer.ACCEPTED)
    _history(agent, fee_burden, offers[0], accepted=2, declined=3)
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=offers[1].pk)
    offer_decline(request_id=request.pk, user=agent)

    loaded = request_as_loaded(request)
    with CaptureQueriesContext(connection) as few:
        few_offers = offers_for_request(request=loaded, include_ineligible=True)
    assert len(few_offers) == 3

    more = _catalog(27, start=3, product=product, reason=fee_burden)
    _history(agent, fee_burden, more[0], accepted=1, declined=1)
    loaded = request_as_loaded(request)
    with CaptureQueriesContext(connection) as many:
        many_offers = offers_for_request(request=loaded, include_ineligible=True)
    assert len(many_offers) == 30

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 8


def test_offers_for_request_reads_the_kept_catalog_in_four_queries(
    walk, contract, product, reason, django_assert_max_num_queries, django_assert_num_queries
):
    _catalog(30, start=0, product=product, reason=reason("fee_burden"))
    request = request_as_loaded(walk("financial_burden"))
    # The first call after a catalog change loads the live catalog (catalog.live) ...
    with django_assert_max_num_queries(10):
        first = offers_for_request(request=request)
    # ... later calls read it from the process: only the call's own facts.
    request = request_as_loaded(request)
    with django_assert_num_queries(4):
        ranked = offers_for_request(request=request)
    assert ranked and [e.offer.pk for e in ranked] == [e.offer.pk for e in first]
