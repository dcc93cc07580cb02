"""What an offer is worth, and the order offers are made in.

Money, in whole KRW over the contract's remaining term (the horizon, at least one month):
- cost = revenue given up by the offer + its fixed cost to the company;
- net value = the fees kept if the customer stays, minus the cost.
Offers are ranked by net value, then by how often they saved customers with the same
sub-reason (accepted / answered), best first.
"""

from cancellations.models import OfferAnswerTally
from cancellations.offer_engine.eligibility import offer_why_not, product_change_target
from cancellations.offer_engine.types import OfferContext, OfferEvaluation
from catalog.choices import OfferKind
from catalog.models import Offer
from core.dates import months_between


def offer_evaluate(*, offer: Offer, ctx: OfferContext, reason_ids: set[int]) -> OfferEvaluation:
    """Eligibility (with every reason it fails), cost, net value and approval need."""
    contract = ctx.contract
    fee = contract.monthly_fee
    used = months_between(contract.start_date, ctx.today)
    horizon = max(contract.term_months - used, 1)
    fee_after, forgone, kept_months, terms = fee, 0, horizon, {}
    if offer.kind == OfferKind.DISCOUNT_PERCENT:
        months = min(offer.duration_months or horizon, horizon)
        monthly_off = fee * offer.value // 100
        fee_after, forgone = fee - monthly_off, monthly_off * months
        terms = {"discount_percent": offer.value, "months": months}
    elif offer.kind == OfferKind.FEE_ADJUSTMENT:
        fee_after = max(fee - offer.value, 0)
        forgone = (fee - fee_after) * horizon
        terms = {"new_monthly_fee": fee_after}
    elif offer.kind == OfferKind.FREE_MONTHS:
        free = min(offer.value, horizon)
        forgone = fee * free
        terms = {"free_months": free}
    elif offer.kind == OfferKind.PRODUCT_CHANGE:
        target = product_change_target(offer, ctx)
        if target is not None:
            fee_after = target.monthly_fee
            forgone = (fee - fee_after) * horizon
            terms = {"new_product_id": target.pk, "new_product_code": target.code}
    elif offer.kind == OfferKind.CONTRACT_CHANGE:
        if offer.new_term_months is not None:
            kept_months = max(offer.new_term_months - used, 1)
            terms = {"new_term_months": offer.new_term_months}
        else:
            terms = {"relocation": True}
    elif offer.kind == OfferKind.PAUSE:
        terms = {"pause_months": offer.value}
    else:
        terms = {"benefit_value": offer.value}
    cost = forgone + offer.fixed_cost
    why_not = offer_why_not(offer, ctx, reason_ids)
    return OfferEvaluation(
        offer=offer,
        eligible=not why_not,
        why_not=why_not,
        monthly_fee_before=fee,
        monthly_fee_after=fee_after,
        cost=cost,
        retained_revenue=fee * kept_months - forgone,
        net_value=fee * kept_months - cost,
        needs_approval=offer.agent_limit is not None and cost > offer.agent_limit,
        acceptance_rate=ctx.acceptance.get(offer.pk),
        terms=terms,
    )


def offer_answers_for_reason(reason_id: int):
    """(offer id, accepted, answered) over every answer given to customers with this
    sub-reason: a few rows of the answer tally read by its unique key, so the live call
    never counts the history (which was fast only once a vacuum had run after a load)."""
    return OfferAnswerTally.objects.filter(reason_id=reason_id, answered__gt=0).values_list(
        "offer_id", "accepted", "answered"
    )


def offers_ranked(evaluations: list[OfferEvaluation]) -> list[OfferEvaluation]:
    """Best first: by net value, then acceptance rate, then code."""
    return sorted(
        evaluations,
        key=lambda e: (-e.net_value, -(e.acceptance_rate or 0.0), e.offer.code),
    )
