"""What an offer, once accepted, changes on a contract: its kind and the accepted terms
turned into a `customers.services.contracts.Amendment`. The one translation from the
catalog's language (offer kinds) to the contract's (amendment kinds), for every flow."""

from catalog.choices import OfferKind
from customers.choices import AmendmentKind
from customers.services.contracts import Amendment


def amendment_for_offer(
    kind: str, terms: dict, *, note: str = "", monthly_fee_after: int | None = None
) -> Amendment:
    """`terms` as the offer engine snapshots them (`discount_percent` + `months`,
    `new_monthly_fee`, `free_months`, `new_product_id`, `new_term_months`, `pause_months`)."""
    match kind:
        case OfferKind.DISCOUNT_PERCENT:
            return Amendment(
                AmendmentKind.DISCOUNT,
                note,
                discount_percent=terms["discount_percent"],
                discount_months=terms["months"],
            )
        case OfferKind.FEE_ADJUSTMENT:
            return Amendment(
                AmendmentKind.FEE_ADJUSTMENT, note, new_monthly_fee=terms["new_monthly_fee"]
            )
        case OfferKind.FREE_MONTHS:
            return Amendment(AmendmentKind.FREE_MONTHS, note, free_months=terms["free_months"])
        case OfferKind.PRODUCT_CHANGE:
            return Amendment(
                AmendmentKind.PRODUCT_CHANGE,
                note,
                new_product_id=terms["new_product_id"],
                new_monthly_fee=monthly_fee_after,
            )
        case OfferKind.CONTRACT_CHANGE if "new_term_months" in terms:
            return Amendment(
                AmendmentKind.TERM_CHANGE, note, new_term_months=terms["new_term_months"]
            )
        case OfferKind.CONTRACT_CHANGE:
            return Amendment(AmendmentKind.RELOCATION, note, relocation=True)
        case OfferKind.PAUSE:
            return Amendment(AmendmentKind.PAUSE, note, pause_months=terms["pause_months"])
    return Amendment(AmendmentKind.BENEFIT, note)
