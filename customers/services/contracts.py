"""Changes to contracts. Every change is a ContractAmendment row plus the contract's new
values, in one transaction; pghistory records the contract's update with the acting user."""

from datetime import date

from django.utils.translation import gettext as _

from cancellations.models import OfferPresentation
from catalog.choices import OfferKind
from core.dates import add_months
from core.errors import ServiceError
from customers.choices import AmendmentKind, ContractStatus
from customers.models import Contract, ContractAmendment, Product


def contract_apply_offer(
    *,
    contract_id: int,
    presentation: OfferPresentation,
    user,
    effective_date: date,
    new_address: str = "",
) -> ContractAmendment:
    """Carry out an accepted offer on the contract, on the terms presented (the snapshot,
    not today's catalog). Called inside the accept transaction; the unique presentation on
    the amendment makes a second application impossible."""
    contract = Contract.objects.select_for_update().select_related("product").get(pk=contract_id)
    terms = presentation.terms
    amendment = ContractAmendment(
        contract=contract,
        effective_date=effective_date,
        presentation=presentation,
        created_by=user,
        note=f"{presentation.code}: {presentation.name_en}",
    )
    changed: list[str] = []
    kind = presentation.kind
    if kind == OfferKind.DISCOUNT_PERCENT:
        until = add_months(effective_date, terms["months"])
        amendment.kind = AmendmentKind.DISCOUNT
        amendment.discount_percent, amendment.discount_until = terms["discount_percent"], until
        contract.discount_percent, contract.discount_until = terms["discount_percent"], until
        changed = ["discount_percent", "discount_until"]
    elif kind == OfferKind.FEE_ADJUSTMENT:
        amendment.kind = AmendmentKind.FEE_ADJUSTMENT
        amendment.old_monthly_fee = contract.monthly_fee
        amendment.new_monthly_fee = terms["new_monthly_fee"]
        contract.monthly_fee, contract.fee_adjusted_on = terms["new_monthly_fee"], effective_date
        changed = ["monthly_fee", "fee_adjusted_on"]
    elif kind == OfferKind.FREE_MONTHS:
        amendment.kind = AmendmentKind.FREE_MONTHS
        amendment.free_months = terms["free_months"]
        contract.free_months_remaining += terms["free_months"]
        changed = ["free_months_remaining"]
    elif kind == OfferKind.PRODUCT_CHANGE:
        new_product = Product.objects.get(pk=terms["new_product_id"])
        amendment.kind = AmendmentKind.PRODUCT_CHANGE
        amendment.old_product, amendment.new_product = contract.product, new_product
        amendment.old_monthly_fee = contract.monthly_fee
        amendment.new_monthly_fee = presentation.monthly_fee_after
        contract.product, contract.monthly_fee = new_product, presentation.monthly_fee_after
        changed = ["product", "monthly_fee"]
    elif kind == OfferKind.CONTRACT_CHANGE and "new_term_months" in terms:
        amendment.kind = AmendmentKind.TERM_CHANGE
        amendment.old_term_months, amendment.new_term_months = (
            contract.term_months,
            terms["new_term_months"],
        )
        contract.term_months = terms["new_term_months"]
        changed = ["term_months"]
    elif kind == OfferKind.CONTRACT_CHANGE:
        if not new_address.strip():
            raise ServiceError(_("Enter the address the product moves to."), code="address")
        amendment.kind = AmendmentKind.RELOCATION
        amendment.new_address = new_address.strip()
    elif kind == OfferKind.PAUSE:
        # No fees while paused; the term grows by the pause, so no revenue is given up.
        until = add_months(effective_date, terms["pause_months"])
        amendment.kind = AmendmentKind.PAUSE
        amendment.pause_until = until
        amendment.old_term_months = contract.term_months
        amendment.new_term_months = contract.term_months + terms["pause_months"]
        contract.paused_until, contract.term_months = until, amendment.new_term_months
        changed = ["paused_until", "term_months"]
    else:
        amendment.kind = AmendmentKind.BENEFIT
    amendment.save()
    if changed:
        contract.save(update_fields=[*changed, "updated_at"])
    return amendment


def contract_cancel(*, contract_id: int, effective_date: date) -> Contract:
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    contract.status, contract.cancelled_on = ContractStatus.CANCELLED, effective_date
    contract.save(update_fields=["status", "cancelled_on", "updated_at"])
    return contract
