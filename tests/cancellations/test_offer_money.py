"""The money of each kind of offer (what it gives up against what it keeps) and when it
needs a supervisor's approval."""

import pytest

from catalog.choices import OfferKind, ReasonCategory
from core.dates import add_months
from tests.cancellations.helpers import (
    FEE,
    HORIZON,
    KEPT,
    contract_change_offer,
    evaluate,
    offer_of_kind,
)
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


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
    offer = offer_of_kind(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6, fixed_cost=2_000)
    evaluation = evaluate(walk("financial_burden"), offer)
    forgone = 3_000 * 6
    assert _money(evaluation) == (FEE, 27_000, forgone + 2_000, KEPT - forgone, KEPT - 20_000)
    assert evaluation.terms == {"discount_percent": 10, "months": 6}


@pytest.mark.parametrize("duration", [None, 100], ids=["rest-of-term", "beyond-the-term"])
def test_discount_runs_at_most_to_the_end_of_the_term(walk, duration):
    offer = offer_of_kind(OfferKind.DISCOUNT_PERCENT, value=10, duration_months=duration)
    evaluation = evaluate(walk("financial_burden"), offer)
    assert evaluation.terms == {"discount_percent": 10, "months": HORIZON}
    assert evaluation.cost == 3_000 * HORIZON


def test_fee_adjustment_gives_up_the_reduction_over_the_horizon(walk, fee_offer):
    evaluation = evaluate(walk("financial_burden"), fee_offer)
    forgone = 3_000 * HORIZON  # 120,000
    assert _money(evaluation) == (FEE, 27_000, forgone, KEPT - forgone, KEPT - forgone)
    assert evaluation.terms == {"new_monthly_fee": 27_000}


def test_free_months_give_up_that_many_months_of_fees(walk):
    offer = offer_of_kind(OfferKind.FREE_MONTHS, value=2, fixed_cost=1_000)
    evaluation = evaluate(walk("financial_burden"), offer)
    assert _money(evaluation) == (FEE, FEE, 61_000, KEPT - 60_000, KEPT - 61_000)
    assert evaluation.terms == {"free_months": 2}


def test_free_months_never_give_up_more_than_the_remaining_term(walk):
    offer = offer_of_kind(OfferKind.FREE_MONTHS, value=50)
    evaluation = evaluate(walk("financial_burden"), offer)
    assert evaluation.cost == FEE * HORIZON
    assert evaluation.net_value == 0


def test_product_change_gives_up_the_fee_difference_over_the_horizon(walk, product):
    product.alternatives.add(ProductFactory(monthly_fee=20_000))
    offer = offer_of_kind(
        OfferKind.PRODUCT_CHANGE, fixed_cost=50_000
    )  # installation of the new one
    evaluation = evaluate(walk("financial_burden"), offer)
    forgone = 10_000 * HORIZON  # 400,000
    assert _money(evaluation) == (
        FEE,
        20_000,
        forgone + 50_000,
        KEPT - forgone,
        KEPT - forgone - 50_000,
    )


def test_term_extension_keeps_the_fees_of_the_new_term(walk):
    offer = contract_change_offer(new_term_months=72, fixed_cost=10_000)
    evaluation = evaluate(walk("contract_change"), offer)
    kept = FEE * (72 - 20)  # 1,560,000
    assert _money(evaluation) == (FEE, FEE, 10_000, kept, kept - 10_000)
    assert evaluation.terms == {"new_term_months": 72}


def test_relocation_costs_its_fixed_cost_only(walk):
    offer = contract_change_offer(new_term_months=None, fixed_cost=50_000)
    evaluation = evaluate(walk("contract_change"), offer)
    assert _money(evaluation) == (FEE, FEE, 50_000, KEPT, KEPT - 50_000)


def test_pause_costs_its_fixed_cost(walk):
    offer = offer_of_kind(
        OfferKind.PAUSE,
        value=2,
        fixed_cost=15_000,
        reason_categories=[ReasonCategory.CONTRACT_CHANGE],
    )
    evaluation = evaluate(walk("contract_change"), offer)
    assert _money(evaluation) == (FEE, FEE, 15_000, KEPT, KEPT - 15_000)
    assert evaluation.terms == {"pause_months": 2}


@pytest.mark.parametrize(
    "kind", [OfferKind.GIFT, OfferKind.SERVICE_IMPROVEMENT, OfferKind.COMPETITOR_MATCH]
)
def test_benefits_cost_their_fixed_cost_only(walk, kind):
    offer = offer_of_kind(kind, value=50_000, fixed_cost=35_000)
    evaluation = evaluate(walk("financial_burden"), offer)
    assert _money(evaluation) == (FEE, FEE, 35_000, KEPT, KEPT - 35_000)
    assert evaluation.terms == {"benefit_value": 50_000}


def test_a_contract_past_its_term_counts_one_month_of_fees(walk, contract, today):
    contract.start_date = add_months(today, -70)  # a 60-month contract running on
    contract.save()
    evaluation = evaluate(walk("financial_burden"), offer_of_kind(OfferKind.GIFT, fixed_cost=5_000))
    assert evaluation.net_value == FEE * 1 - 5_000


@pytest.mark.parametrize(
    ("agent_limit", "needs_approval"),
    [(None, False), (18_000, False), (17_999, True), (0, True)],
    ids=["no-limit", "at-the-limit", "just-above", "zero-limit"],
)
def test_needs_approval_only_when_the_cost_exceeds_the_agents_limit(
    walk, agent_limit, needs_approval
):
    offer = offer_of_kind(
        OfferKind.DISCOUNT_PERCENT, value=10, duration_months=6, agent_limit=agent_limit
    )
    evaluation = evaluate(walk("financial_burden"), offer)
    assert evaluation.cost == 18_000
    assert evaluation.needs_approval is needs_approval


def test_an_offer_without_a_limit_never_needs_approval_however_costly(walk):
    offer = offer_of_kind(OfferKind.GIFT, fixed_cost=5_000_000, agent_limit=None)
    assert evaluate(walk("financial_burden"), offer).needs_approval is False
