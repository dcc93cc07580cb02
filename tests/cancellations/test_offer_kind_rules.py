"""The offer engine's rules of each kind of offer, both ways: the financial branch's fee-
adjustment guard, discounts, product and term changes, relocation and pauses."""

from datetime import timedelta

import pytest

from cancellations.offer_engine.eligibility import fee_adjustment_allowed
from cancellations.offer_engine.loading import offer_context_load
from catalog.choices import OfferKind, ReasonCategory
from tests.cancellations.helpers import (
    assert_eligible,
    assert_refused,
    contract_change_offer,
    evaluate,
    offer_of_kind,
)
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


# ---- the financial branch's fee-adjustment guard -------------------------------------------


def test_fee_adjustment_allowed_on_an_adjustable_product(walk, fee_offer):
    request = walk("financial_burden")
    assert_eligible(evaluate(request, fee_offer))
    assert fee_adjustment_allowed(offer_context_load(request=request)) is True


def test_fee_adjustment_refused_when_the_product_is_not_adjustable(walk, product, fee_offer):
    product.fee_adjustable = False
    product.save()
    request = walk("financial_burden")
    assert_refused(evaluate(request, fee_offer), "This product's fee cannot be adjusted.")
    assert fee_adjustment_allowed(offer_context_load(request=request)) is False


def test_fee_adjustment_allowed_once_the_products_tenure_is_reached(walk, product, fee_offer):
    product.fee_adjustment_min_tenure_months = 20
    product.save()
    assert_eligible(evaluate(walk("financial_burden"), fee_offer))


def test_fee_adjustment_refused_below_the_products_tenure(walk, product, fee_offer):
    product.fee_adjustment_min_tenure_months = 21
    product.save()
    assert_refused(
        evaluate(walk("financial_burden"), fee_offer),
        "A fee adjustment needs 21 months of use (now 20).",
    )


def test_fee_adjustment_refused_when_adjusted_in_the_last_12_months(
    walk, contract, fee_offer, today
):
    contract.fee_adjusted_on = today - timedelta(days=364)
    contract.save()
    assert_refused(
        evaluate(walk("financial_burden"), fee_offer),
        "The fee was already adjusted in the last 12 months.",
    )


def test_fee_adjustment_allowed_when_last_adjusted_over_a_year_ago(
    walk, contract, fee_offer, today
):
    contract.fee_adjusted_on = today - timedelta(days=366)
    contract.save()
    assert_eligible(evaluate(walk("financial_burden"), fee_offer))


def test_fee_adjustment_allowed_down_to_the_floor(walk, fee_offer):
    fee_offer.value = 10_000  # 30,000 - 10,000 = 20,000: the product's floor
    fee_offer.save()
    evaluation = evaluate(walk("financial_burden"), fee_offer)
    assert_eligible(evaluation)
    assert evaluation.monthly_fee_after == 20_000


def test_fee_adjustment_refused_below_the_floor(walk, fee_offer):
    fee_offer.value = 10_001
    fee_offer.save()
    assert_refused(
        evaluate(walk("financial_burden"), fee_offer),
        "No lower fee exists: the fee would fall below the product's floor.",
    )


def test_discount_refused_while_another_discount_runs(walk, contract, today):
    contract.discount_percent, contract.discount_until = 5, today + timedelta(days=1)
    contract.save()
    offer = offer_of_kind(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6)
    assert_refused(
        evaluate(walk("financial_burden"), offer),
        "The contract already has a discount running.",
    )


def test_discount_allowed_once_the_previous_discount_ended(walk, contract, today):
    contract.discount_percent, contract.discount_until = 5, today - timedelta(days=1)
    contract.save()
    offer = offer_of_kind(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6)
    assert_eligible(evaluate(walk("financial_burden"), offer))


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
    offer = offer_of_kind(OfferKind.PRODUCT_CHANGE)
    evaluation = evaluate(walk("financial_burden"), offer)
    assert_refused(evaluation, "No lower-priced product exists for this product.")
    assert evaluation.terms == {}


def test_product_change_targets_the_cheapest_active_alternative(walk, product):
    cheapest_on_sale = ProductFactory(code="SLIM", monthly_fee=20_000)
    product.alternatives.add(
        ProductFactory(monthly_fee=25_000),
        cheapest_on_sale,
        ProductFactory(monthly_fee=15_000, is_active=False),
        ProductFactory(monthly_fee=35_000),
    )
    offer = offer_of_kind(OfferKind.PRODUCT_CHANGE)
    evaluation = evaluate(walk("financial_burden"), offer)
    assert_eligible(evaluation)
    assert evaluation.terms == {"new_product_id": cheapest_on_sale.pk, "new_product_code": "SLIM"}
    assert evaluation.monthly_fee_after == 20_000


def test_product_change_to_a_named_target_uses_that_product(walk, product):
    product.alternatives.add(ProductFactory(monthly_fee=20_000))
    named = ProductFactory(code="NAMED", monthly_fee=25_000)
    offer = offer_of_kind(OfferKind.PRODUCT_CHANGE, target_product=named)
    evaluation = evaluate(walk("financial_burden"), offer)
    assert_eligible(evaluation)
    assert evaluation.terms["new_product_id"] == named.pk
    assert evaluation.monthly_fee_after == 25_000


def test_term_change_allowed_on_an_extendable_product(walk):
    assert_eligible(evaluate(walk("contract_change"), contract_change_offer(new_term_months=72)))


def test_term_change_refused_when_the_product_term_is_not_extendable(walk, product):
    product.term_extendable = False
    product.save()
    assert_refused(
        evaluate(walk("contract_change"), contract_change_offer(new_term_months=72)),
        "This product's term cannot be changed.",
    )


def test_term_change_refused_when_the_new_term_is_already_over(walk):
    assert_refused(
        evaluate(walk("contract_change"), contract_change_offer(new_term_months=20)),
        "The new term would already be over.",
    )


def test_term_change_allowed_when_the_new_term_ends_after_today(walk):
    assert_eligible(evaluate(walk("contract_change"), contract_change_offer(new_term_months=21)))


def test_relocation_allowed_on_a_relocatable_product(walk):
    evaluation = evaluate(walk("contract_change"), contract_change_offer(new_term_months=None))
    assert_eligible(evaluation)
    assert evaluation.terms == {"relocation": True}


def test_relocation_refused_when_the_product_cannot_be_relocated(walk, product):
    product.relocatable = False
    product.term_extendable = False  # a relocation does not depend on the term rule
    product.save()
    assert_refused(
        evaluate(walk("contract_change"), contract_change_offer(new_term_months=None)),
        "This product cannot be relocated.",
    )


def _pause(months):
    return offer_of_kind(
        OfferKind.PAUSE, value=months, reason_categories=[ReasonCategory.CONTRACT_CHANGE]
    )


def test_pause_allowed_up_to_the_products_longest_pause(walk):
    assert_eligible(evaluate(walk("contract_change"), _pause(3)))  # max_pause_months = 3


def test_pause_refused_beyond_the_products_longest_pause(walk):
    assert_refused(
        evaluate(walk("contract_change"), _pause(4)),
        "This product can be paused for at most 3 months.",
    )


def test_pause_refused_while_the_contract_is_paused(walk, contract, today):
    contract.paused_until = today + timedelta(days=10)
    contract.save()
    assert_refused(evaluate(walk("contract_change"), _pause(2)), "The contract is already paused.")


def test_pause_allowed_once_the_previous_pause_ended(walk, contract, today):
    contract.paused_until = today - timedelta(days=1)
    contract.save()
    assert_eligible(evaluate(walk("contract_change"), _pause(2)))
