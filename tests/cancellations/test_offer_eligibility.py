"""The offer engine: every eligibility rule both ways (with the reason an agent reads), the
money of each kind of offer, the ranking, and a query count that does not grow with the
catalog.

The `contract` fixture is 20 months into 60 at KRW 30,000 a month: the horizon is 40 months
and the fees kept if the customer stays are 30,000 x 40 = 1,200,000.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cancellations.choices import PresentationAnswer
from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.offer_engine.eligibility import fee_adjustment_allowed
from cancellations.offer_engine.loading import (
    offer_context_load,
    offer_evaluate_for_request,
    offers_for_request,
)
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_accept, offer_decline, offer_present
from catalog.choices import OfferKind, ReasonCategory
from core.dates import add_months
from customers.choices import ContractStatus, ProductCategory, ValueTier
from tests.factories import (
    CancellationRequestFactory,
    ContractFactory,
    OfferFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db

FEE = 30_000
HORIZON = 40
KEPT = FEE * HORIZON  # 1,200,000


def _evaluate(request, offer, **kwargs):
    return offer_evaluate_for_request(request=request, offer=offer, **kwargs)


def _assert_eligible(evaluation):
    assert evaluation.why_not == []
    assert evaluation.eligible is True


def _assert_refused(evaluation, *why):
    assert evaluation.why_not == list(why)
    assert evaluation.eligible is False


def _fresh(request) -> CancellationRequest:
    """The request as a view loads it (the services' lock uses the same select_related)."""
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)


def _presentation(*, request, offer, answer, reason=None, answered_at=None):
    """A past presentation row, built directly (as the services store it)."""
    return OfferPresentation.objects.create(
        request=request,
        offer=offer,
        reason=reason,
        position=request.presentations.count() + 1,
        code=offer.code,
        name_ko=offer.name_ko,
        name_en=offer.name_en,
        script_ko=offer.script_ko,
        script_en=offer.script_en,
        kind=offer.kind,
        value=offer.value,
        monthly_fee_before=FEE,
        monthly_fee_after=FEE,
        cost=offer.fixed_cost,
        net_value=0,
        answer=answer,
        presented_by=request.agent,
        answered_at=answered_at or timezone.now(),
    )


# ---- eligibility: each rule both ways -------------------------------------------------------


def test_an_active_offer_is_eligible(walk):
    offer = OfferFactory(is_active=True)
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


def test_a_retired_offer_is_refused_and_left_out_of_the_list(walk):
    retired = OfferFactory(code="RETIRED", is_active=False)
    request = walk("financial_burden")
    _assert_refused(_evaluate(request, retired), "The offer is retired.")
    assert [e.offer.code for e in offers_for_request(request=request)] == []
    listed = offers_for_request(request=request, include_ineligible=True)
    assert [(e.offer.code, e.why_not) for e in listed] == [("RETIRED", ["The offer is retired."])]


def test_an_offer_whose_window_has_opened_is_eligible(walk):
    offer = OfferFactory(active_from=timezone.now() - timedelta(hours=1))
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


def test_an_offer_is_eligible_from_the_first_moment_of_its_window(walk):
    start = timezone.now() + timedelta(days=3)
    offer = OfferFactory(active_from=start)
    _assert_eligible(_evaluate(walk("financial_burden"), offer, now=start))


def test_an_offer_not_active_yet_is_refused(walk):
    offer = OfferFactory(active_from=timezone.now() + timedelta(hours=1))
    _assert_refused(_evaluate(walk("financial_burden"), offer), "The offer is not active yet.")


def test_an_offer_before_its_end_is_eligible(walk):
    offer = OfferFactory(active_until=timezone.now() + timedelta(hours=1))
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


def test_an_expired_offer_is_refused(walk):
    offer = OfferFactory(active_until=timezone.now() - timedelta(minutes=1))
    _assert_refused(_evaluate(walk("financial_burden"), offer), "The offer has expired.")


def test_an_offer_expires_at_the_moment_its_window_ends(walk):
    end = timezone.now() + timedelta(days=3)
    offer = OfferFactory(active_until=end)
    _assert_refused(_evaluate(walk("financial_burden"), offer, now=end), "The offer has expired.")


def test_an_offer_for_the_requests_reason_category_is_eligible(walk):
    offer = OfferFactory(reason_categories=[ReasonCategory.DISSATISFACTION])
    _assert_eligible(_evaluate(walk("dissatisfied"), offer))


def test_an_offer_for_another_reason_category_is_refused_and_left_out(walk):
    offer = OfferFactory(code="DISSAT", reason_categories=[ReasonCategory.DISSATISFACTION])
    request = walk("financial_burden")
    _assert_refused(_evaluate(request, offer), "It does not answer this reason category.")
    assert offers_for_request(request=request) == []


def test_an_offer_restricted_to_the_requests_sub_reason_is_eligible(walk, reason):
    offer = OfferFactory(reasons=[reason("fee_burden"), reason("income_drop")])
    _assert_eligible(_evaluate(walk("financial_burden"), offer))  # reason: fee_burden


def test_an_offer_restricted_to_other_sub_reasons_is_refused(walk, reason):
    offer = OfferFactory(reasons=[reason("income_drop")])
    request = walk("financial_burden")  # reason: fee_burden
    _assert_refused(_evaluate(request, offer), "It answers other sub-reasons only.")
    listed = offers_for_request(request=request, include_ineligible=True)
    assert listed[0].why_not == ["It answers other sub-reasons only."]


def test_an_offer_needing_exactly_the_customers_tenure_is_eligible(walk):
    offer = OfferFactory(min_tenure_months=20)
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


def test_an_offer_needing_more_tenure_is_refused(walk):
    offer = OfferFactory(min_tenure_months=21)
    _assert_refused(
        _evaluate(walk("financial_burden"), offer), "It needs 21 months of tenure (now 20)."
    )


def test_an_offer_for_customers_up_to_their_tenure_is_eligible(walk):
    offer = OfferFactory(max_tenure_months=20)
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


def test_an_offer_for_newer_customers_is_refused(walk):
    offer = OfferFactory(max_tenure_months=19)
    _assert_refused(
        _evaluate(walk("financial_burden"), offer),
        "It is for customers with at most 19 months of tenure.",
    )


def test_an_offer_for_the_products_category_is_eligible(walk):
    offer = OfferFactory(product_categories=[ProductCategory.WATER_PURIFIER, ProductCategory.BIDET])
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


def test_an_offer_for_other_product_categories_is_refused(walk):
    offer = OfferFactory(product_categories=[ProductCategory.BIDET])
    _assert_refused(
        _evaluate(walk("financial_burden"), offer), "It is not for this product category."
    )


def test_an_offer_for_the_customers_value_tier_is_eligible(walk, contract):
    contract.customer.value_tier = ValueTier.GOLD
    contract.customer.save()
    offer = OfferFactory(value_tiers=[ValueTier.VIP, ValueTier.GOLD])
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


def test_an_offer_for_other_value_tiers_is_refused(walk):
    offer = OfferFactory(value_tiers=[ValueTier.VIP])  # the customer is standard
    _assert_refused(
        _evaluate(walk("financial_burden"), offer), "It is not for this customer's value tier."
    )


def _accepted_on_another_contract(walk, agent, contract, offer):
    """The same customer accepted `offer` on another of their contracts, by the services."""
    other = ContractFactory(
        customer=contract.customer, product=contract.product, start_date=contract.start_date
    )
    earlier = walk("financial_burden", contract_=other)
    presentation = offer_present(request_id=earlier.pk, user=agent, offer_id=offer.pk)
    offer_accept(request_id=earlier.pk, user=agent)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.ACCEPTED
    return presentation


def test_max_uses_refused_when_accepted_by_the_customer_within_365_days(
    walk, agent, contract, visit_offer
):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    presentation = _accepted_on_another_contract(walk, agent, contract, visit_offer)
    OfferPresentation.objects.filter(pk=presentation.pk).update(
        answered_at=timezone.now() - timedelta(days=364)
    )
    _assert_refused(
        _evaluate(walk("financial_burden"), visit_offer),
        "The customer already had it 1 time(s) in the last 12 months.",
    )


def test_max_uses_counts_a_use_accepted_today(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    _accepted_on_another_contract(walk, agent, contract, visit_offer)
    evaluation = _evaluate(walk("financial_burden"), visit_offer)
    assert evaluation.why_not == ["The customer already had it 1 time(s) in the last 12 months."]


def test_max_uses_ignores_a_use_older_than_365_days(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    presentation = _accepted_on_another_contract(walk, agent, contract, visit_offer)
    OfferPresentation.objects.filter(pk=presentation.pk).update(
        answered_at=timezone.now() - timedelta(days=366)
    )
    _assert_eligible(_evaluate(walk("financial_burden"), visit_offer))


def test_max_uses_allows_uses_below_the_limit(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 2
    visit_offer.save()
    _accepted_on_another_contract(walk, agent, contract, visit_offer)
    _assert_eligible(_evaluate(walk("financial_burden"), visit_offer))


def test_max_uses_counts_accepted_presentations_only(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    other = ContractFactory(customer=contract.customer, product=contract.product)
    earlier = CancellationRequestFactory(contract=other, agent=agent)
    for answer in (
        PresentationAnswer.DECLINED,
        PresentationAnswer.APPROVAL_DENIED,
        PresentationAnswer.ABANDONED,
    ):
        _presentation(request=earlier, offer=visit_offer, answer=answer)
    _assert_eligible(_evaluate(walk("financial_burden"), visit_offer))


def test_max_uses_counts_this_customer_only(walk, agent, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    stranger = CancellationRequestFactory(agent=agent)  # another customer's contract
    _presentation(request=stranger, offer=visit_offer, answer=PresentationAnswer.ACCEPTED)
    _assert_eligible(_evaluate(walk("financial_burden"), visit_offer))


def test_an_offer_not_yet_presented_in_this_call_is_eligible(walk, agent, visit_offer):
    other_offer = OfferFactory(code="OTHER")
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=other_offer.pk)
    offer_decline(request_id=request.pk, user=agent)
    _assert_eligible(_evaluate(request, visit_offer))


def test_an_offer_already_presented_in_this_call_is_refused(walk, agent, visit_offer):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    offer_decline(request_id=request.pk, user=agent)
    _assert_refused(_evaluate(request, visit_offer), "It was already presented in this call.")


def test_offers_stay_eligible_on_a_suspended_contract(walk, contract, visit_offer):
    request = walk("financial_burden")
    contract.status = ContractStatus.SUSPENDED
    contract.save()
    _assert_eligible(_evaluate(_fresh(request), visit_offer))


def test_offers_are_refused_when_the_contract_is_no_longer_active(walk, contract, visit_offer):
    request = walk("financial_burden")
    contract.status = ContractStatus.ENDED
    contract.save()
    _assert_refused(_evaluate(_fresh(request), visit_offer), "The contract is no longer active.")


def test_every_failed_rule_is_explained(walk):
    offer = OfferFactory(
        is_active=False,
        min_tenure_months=30,
        product_categories=[ProductCategory.MATTRESS],
        value_tiers=[ValueTier.VIP],
    )
    _assert_refused(
        _evaluate(walk("financial_burden"), offer),
        "The offer is retired.",
        "It needs 30 months of tenure (now 20).",
        "It is not for this product category.",
        "It is not for this customer's value tier.",
    )


# ---- the financial branch's fee-adjustment guard -------------------------------------------


def test_fee_adjustment_allowed_on_an_adjustable_product(walk, fee_offer):
    request = walk("financial_burden")
    _assert_eligible(_evaluate(request, fee_offer))
    assert fee_adjustment_allowed(offer_context_load(request=request)) is True


def test_fee_adjustment_refused_when_the_product_is_not_adjustable(walk, product, fee_offer):
    product.fee_adjustable = False
    product.save()
    request = walk("financial_burden")
    _assert_refused(_evaluate(request, fee_offer), "This product's fee cannot be adjusted.")
    assert fee_adjustment_allowed(offer_context_load(request=request)) is False


def test_fee_adjustment_allowed_once_the_products_tenure_is_reached(walk, product, fee_offer):
    product.fee_adjustment_min_tenure_months = 20
    product.save()
    _assert_eligible(_evaluate(walk("financial_burden"), fee_offer))


def test_fee_adjustment_refused_below_the_products_tenure(walk, product, fee_offer):
    product.fee_adjustment_min_tenure_months = 21
    product.save()
    _assert_refused(
        _evaluate(walk("financial_burden"), fee_offer),
        "A fee adjustment needs 21 months of use (now 20).",
    )


def test_fee_adjustment_refused_when_adjusted_in_the_last_12_months(
    walk, contract, fee_offer, today
):
    contract.fee_adjusted_on = today - timedelta(days=364)
    contract.save()
    _assert_refused(
        _evaluate(walk("financial_burden"), fee_offer),
        "The fee was already adjusted in the last 12 months.",
    )


def test_fee_adjustment_allowed_when_last_adjusted_over_a_year_ago(
    walk, contract, fee_offer, today
):
    contract.fee_adjusted_on = today - timedelta(days=366)
    contract.save()
    _assert_eligible(_evaluate(walk("financial_burden"), fee_offer))


def test_fee_adjustment_allowed_down_to_the_floor(walk, fee_offer):
    fee_offer.value = 10_000  # 30,000 - 10,000 = 20,000: the product's floor
    fee_offer.save()
    evaluation = _evaluate(walk("financial_burden"), fee_offer)
    _assert_eligible(evaluation)
    assert evaluation.monthly_fee_after == 20_000


def test_fee_adjustment_refused_below_the_floor(walk, fee_offer):
    fee_offer.value = 10_001
    fee_offer.save()
    _assert_refused(
        _evaluate(walk("financial_burden"), fee_offer),
        "No lower fee exists: the fee would fall below the product's floor.",
    )


# ---- kind-specific refusals ------------------------------------------------------------------


def _offer(kind, **kwargs):
    kwargs.setdefault("fixed_cost", 0)
    kwargs.setdefault("agent_limit", None)
    return OfferFactory(kind=kind, **kwargs)


def test_discount_refused_while_another_discount_runs(walk, contract, today):
    contract.discount_percent, contract.discount_until = 5, today + timedelta(days=1)
    contract.save()
    offer = _offer(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6)
    _assert_refused(
        _evaluate(walk("financial_burden"), offer),
        "The contract already has a discount running.",
    )


def test_discount_allowed_once_the_previous_discount_ended(walk, contract, today):
    contract.discount_percent, contract.discount_until = 5, today - timedelta(days=1)
    contract.save()
    offer = _offer(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6)
    _assert_eligible(_evaluate(walk("financial_burden"), offer))


@pytest.mark.parametrize(
    "alternatives",
    [
        [],
        [(15_000, False)],  # cheaper, but no longer on sale
        [(35_000, True)],  # on sale, but dearer
        [(30_000, True)],  # on sale, but not cheaper
        [(15_000, False), (32_000, True)],
    ],
    ids=["none", "cheaper-retired", "dearer", "same-price", "retired-and-dearer"],
)
def test_product_change_refused_without_an_active_cheaper_alternative(walk, product, alternatives):
    for fee, on_sale in alternatives:
        product.alternatives.add(ProductFactory(monthly_fee=fee, is_active=on_sale))
    offer = _offer(OfferKind.PRODUCT_CHANGE)
    evaluation = _evaluate(walk("financial_burden"), offer)
    _assert_refused(evaluation, "No lower-priced product exists for this product.")
    assert evaluation.terms == {}


def test_product_change_targets_the_cheapest_active_alternative(walk, product):
    cheapest_on_sale = ProductFactory(code="SLIM", monthly_fee=20_000)
    product.alternatives.add(
        ProductFactory(monthly_fee=25_000),
        cheapest_on_sale,
        ProductFactory(monthly_fee=15_000, is_active=False),
        ProductFactory(monthly_fee=35_000),
    )
    offer = _offer(OfferKind.PRODUCT_CHANGE)
    evaluation = _evaluate(walk("financial_burden"), offer)
    _assert_eligible(evaluation)
    assert evaluation.terms == {"new_product_id": cheapest_on_sale.pk, "new_product_code": "SLIM"}
    assert evaluation.monthly_fee_after == 20_000


def test_product_change_to_a_named_target_uses_that_product(walk, product):
    product.alternatives.add(ProductFactory(monthly_fee=20_000))
    named = ProductFactory(code="NAMED", monthly_fee=25_000)
    offer = _offer(OfferKind.PRODUCT_CHANGE, target_product=named)
    evaluation = _evaluate(walk("financial_burden"), offer)
    _assert_eligible(evaluation)
    assert evaluation.terms["new_product_id"] == named.pk
    assert evaluation.monthly_fee_after == 25_000


def _contract_change(**kwargs):
    return _offer(
        OfferKind.CONTRACT_CHANGE, reason_categories=[ReasonCategory.CONTRACT_CHANGE], **kwargs
    )


def test_term_change_allowed_on_an_extendable_product(walk):
    _assert_eligible(_evaluate(walk("contract_change"), _contract_change(new_term_months=72)))


def test_term_change_refused_when_the_product_term_is_not_extendable(walk, product):
    product.term_extendable = False
    product.save()
    _assert_refused(
        _evaluate(walk("contract_change"), _contract_change(new_term_months=72)),
        "This product's term cannot be changed.",
    )


def test_term_change_refused_when_the_new_term_is_already_over(walk):
    _assert_refused(
        _evaluate(walk("contract_change"), _contract_change(new_term_months=20)),
        "The new term would already be over.",
    )


def test_term_change_allowed_when_the_new_term_ends_after_today(walk):
    _assert_eligible(_evaluate(walk("contract_change"), _contract_change(new_term_months=21)))


def test_relocation_allowed_on_a_relocatable_product(walk):
    evaluation = _evaluate(walk("contract_change"), _contract_change(new_term_months=None))
    _assert_eligible(evaluation)
    assert evaluation.terms == {"relocation": True}


def test_relocation_refused_when_the_product_cannot_be_relocated(walk, product):
    product.relocatable = False
    product.term_extendable = False  # a relocation does not depend on the term rule
    product.save()
    _assert_refused(
        _evaluate(walk("contract_change"), _contract_change(new_term_months=None)),
        "This product cannot be relocated.",
    )


def _pause(months):
    return _offer(OfferKind.PAUSE, value=months, reason_categories=[ReasonCategory.CONTRACT_CHANGE])


def test_pause_allowed_up_to_the_products_longest_pause(walk):
    _assert_eligible(_evaluate(walk("contract_change"), _pause(3)))  # max_pause_months = 3


def test_pause_refused_beyond_the_products_longest_pause(walk):
    _assert_refused(
        _evaluate(walk("contract_change"), _pause(4)),
        "This product can be paused for at most 3 months.",
    )


def test_pause_refused_while_the_contract_is_paused(walk, contract, today):
    contract.paused_until = today + timedelta(days=10)
    contract.save()
    _assert_refused(
        _evaluate(walk("contract_change"), _pause(2)), "The contract is already paused."
    )


def test_pause_allowed_once_the_previous_pause_ended(walk, contract, today):
    contract.paused_until = today - timedelta(days=1)
    contract.save()
    _assert_eligible(_evaluate(walk("contract_change"), _pause(2)))


# ---- money -------------------------------------------------------------------------------


def _money(evaluation):
    return (
        evaluation.monthly_fee_before,
        evaluation.monthly_fee_after,
        evaluation.cost,
        evaluation.retained_revenue,
        evaluation.net_value,
    )


def test_discount_gives_up_the_percentage_for_its_months(walk):
    offer = _offer(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6, fixed_cost=2_000)
    evaluation = _evaluate(walk("financial_burden"), offer)
    forgone = 3_000 * 6
    assert _money(evaluation) == (FEE, 27_000, forgone + 2_000, KEPT - forgone, KEPT - 20_000)
    assert evaluation.terms == {"discount_percent": 10, "months": 6}


@pytest.mark.parametrize("duration", [None, 100], ids=["rest-of-term", "beyond-the-term"])
def test_discount_runs_at_most_to_the_end_of_the_term(walk, duration):
    offer = _offer(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=duration)
    evaluation = _evaluate(walk("financial_burden"), offer)
    assert evaluation.terms == {"discount_percent": 10, "months": HORIZON}
    assert evaluation.cost == 3_000 * HORIZON


def test_fee_adjustment_gives_up_the_reduction_over_the_horizon(walk, fee_offer):
    evaluation = _evaluate(walk("financial_burden"), fee_offer)
    forgone = 3_000 * HORIZON  # 120,000
    assert _money(evaluation) == (FEE, 27_000, forgone, KEPT - forgone, KEPT - forgone)
    assert evaluation.terms == {"new_monthly_fee": 27_000}


def test_free_months_give_up_that_many_months_of_fees(walk):
    offer = _offer(OfferKind.FREE_MONTHS, value=2, fixed_cost=1_000)
    evaluation = _evaluate(walk("financial_burden"), offer)
    assert _money(evaluation) == (FEE, FEE, 61_000, KEPT - 60_000, KEPT - 61_000)
    assert evaluation.terms == {"free_months": 2}


def test_free_months_never_give_up_more_than_the_remaining_term(walk):
    offer = _offer(OfferKind.FREE_MONTHS, value=50)
    evaluation = _evaluate(walk("financial_burden"), offer)
    assert evaluation.cost == FEE * HORIZON
    assert evaluation.net_value == 0


def test_product_change_gives_up_the_fee_difference_over_the_horizon(walk, product):
    product.alternatives.add(ProductFactory(monthly_fee=20_000))
    offer = _offer(OfferKind.PRODUCT_CHANGE, fixed_cost=50_000)  # installation of the new one
    evaluation = _evaluate(walk("financial_burden"), offer)
    forgone = 10_000 * HORIZON  # 400,000
    assert _money(evaluation) == (
        FEE,
        20_000,
        forgone + 50_000,
        KEPT - forgone,
        KEPT - forgone - 50_000,
    )


def test_term_extension_keeps_the_fees_of_the_new_term(walk):
    offer = _contract_change(new_term_months=72, fixed_cost=10_000)
    evaluation = _evaluate(walk("contract_change"), offer)
    kept = FEE * (72 - 20)  # 1,560,000
    assert _money(evaluation) == (FEE, FEE, 10_000, kept, kept - 10_000)
    assert evaluation.terms == {"new_term_months": 72}


def test_relocation_costs_its_fixed_cost_only(walk):
    offer = _contract_change(new_term_months=None, fixed_cost=50_000)
    evaluation = _evaluate(walk("contract_change"), offer)
    assert _money(evaluation) == (FEE, FEE, 50_000, KEPT, KEPT - 50_000)


def test_pause_costs_its_fixed_cost(walk):
    offer = _offer(
        OfferKind.PAUSE,
        value=2,
        fixed_cost=15_000,
        reason_categories=[ReasonCategory.CONTRACT_CHANGE],
    )
    evaluation = _evaluate(walk("contract_change"), offer)
    assert _money(evaluation) == (FEE, FEE, 15_000, KEPT, KEPT - 15_000)
    assert evaluation.terms == {"pause_months": 2}


@pytest.mark.parametrize(
    "kind", [OfferKind.GIFT, OfferKind.SERVICE_IMPROVEMENT, OfferKind.COMPETITOR_MATCH]
)
def test_benefits_cost_their_fixed_cost_only(walk, kind):
    offer = _offer(kind, value=50_000, fixed_cost=35_000)
    evaluation = _evaluate(walk("financial_burden"), offer)
    assert _money(evaluation) == (FEE, FEE, 35_000, KEPT, KEPT - 35_000)
    assert evaluation.terms == {"benefit_value": 50_000}


def test_a_contract_past_its_term_counts_one_month_of_fees(walk, contract, today):
    contract.start_date = add_months(today, -70)  # a 60-month contract running on
    contract.save()
    evaluation = _evaluate(walk("financial_burden"), _offer(OfferKind.GIFT, fixed_cost=5_000))
    assert evaluation.net_value == FEE * 1 - 5_000


@pytest.mark.parametrize(
    ("agent_limit", "needs_approval"),
    [(None, False), (18_000, False), (17_999, True), (0, True)],
    ids=["no-limit", "at-the-limit", "just-above", "zero-limit"],
)
def test_needs_approval_only_when_the_cost_exceeds_the_agents_limit(
    walk, agent_limit, needs_approval
):
    offer = _offer(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6, agent_limit=agent_limit)
    evaluation = _evaluate(walk("financial_burden"), offer)
    assert evaluation.cost == 18_000
    assert evaluation.needs_approval is needs_approval


def test_an_offer_without_a_limit_never_needs_approval_however_costly(walk):
    offer = _offer(OfferKind.GIFT, fixed_cost=5_000_000, agent_limit=None)
    assert _evaluate(walk("financial_burden"), offer).needs_approval is False


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
            _presentation(request=past, offer=offer, answer=answer, reason=reason)


def test_offers_are_ranked_by_net_value_best_first(walk, visit_offer, fee_offer, costly_offer):
    ranked = offers_for_request(request=walk("financial_burden"))
    assert [(e.offer.code, e.net_value) for e in ranked] == [
        ("VISIT", KEPT - 20_000),
        ("MATCH", KEPT - 80_000),
        ("FEE-3000", KEPT - 120_000),
    ]


def test_equal_net_values_are_ranked_by_acceptance_for_the_same_sub_reason(walk, agent, reason):
    gift_a = _offer(OfferKind.GIFT, code="GIFT-A", fixed_cost=20_000)
    gift_b = _offer(OfferKind.GIFT, code="GIFT-B", fixed_cost=20_000)
    gift_c = _offer(OfferKind.GIFT, code="GIFT-C", fixed_cost=20_000)
    gift_d = _offer(OfferKind.GIFT, code="GIFT-D", fixed_cost=20_000)
    _offer(OfferKind.GIFT, code="ZZ-CHEAP", fixed_cost=1_000)
    _offer(OfferKind.GIFT, code="AA-DEAR", fixed_cost=90_000)
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
    assert offers_for_request(request=_fresh(request)) == []


def test_outside_a_branch_no_offer_is_reported_eligible(walk, agent, visit_offer, fee_offer):
    """The console may list the catalog with the reasons; outside a branch none can be made."""
    request = walk("financial_burden")
    cancellation_insist(request_id=request.pk, user=agent)
    listed = offers_for_request(request=_fresh(request), include_ineligible=True)
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
        _presentation(request=sibling, offer=offer, answer=PresentationAnswer.ACCEPTED)
    _history(agent, fee_burden, offers[0], accepted=2, declined=3)
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=offers[1].pk)
    offer_decline(request_id=request.pk, user=agent)

    loaded = _fresh(request)
    with CaptureQueriesContext(connection) as few:
        few_offers = offers_for_request(request=loaded, include_ineligible=True)
    assert len(few_offers) == 3

    more = _catalog(27, start=3, product=product, reason=fee_burden)
    _history(agent, fee_burden, more[0], accepted=1, declined=1)
    loaded = _fresh(request)
    with CaptureQueriesContext(connection) as many:
        many_offers = offers_for_request(request=loaded, include_ineligible=True)
    assert len(many_offers) == 30

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 8


def test_offers_for_request_stays_within_eight_queries(
    walk, contract, product, reason, django_assert_max_num_queries
):
    _catalog(30, start=0, product=product, reason=reason("fee_burden"))
    request = _fresh(walk("financial_burden"))
    with django_assert_max_num_queries(8):
        ranked = offers_for_request(request=request)
    assert ranked
