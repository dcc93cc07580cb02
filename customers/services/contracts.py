"""Changes to contracts. Every change is a ContractAmendment row plus the contract's new
values, in one transaction; pghistory records the contract's update with the acting user.

An accepted offer reaches a contract the same way whichever flow it comes from (a save on a
cancellation call, a win-back): the flow turns the offer's snapshot into an `Amendment`
(`catalog.amendments.amendment_for_offer`) and `contract_amend` carries it out.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import add_months
from core.errors import ServiceError
from core.fsm import record_lock
from customers.choices import AmendmentKind, ContractStatus
from customers.models import Contract, ContractAmendment, Product
from customers.webhook_events import contract_amended_emit

_MISSING = gettext_lazy("That contract does not exist.")


@dataclass(frozen=True)
class Amendment:
    """What an accepted offer changes on a contract, from the terms the customer accepted
    (a snapshot, never today's catalog). Only the fields of its `kind` are set."""

    kind: AmendmentKind
    note: str = ""
    discount_percent: int | None = None
    discount_months: int | None = None
    new_monthly_fee: int | None = None
    free_months: int | None = None
    new_product_id: int | None = None
    new_term_months: int | None = None
    pause_months: int | None = None
    relocation: bool = False


def contract_amend(
    *,
    contract_id: int,
    amendment: Amendment,
    user,
    effective_date: date,
    new_address: str = "",
    presentation_id: int | None = None,
) -> ContractAmendment:
    """Carry out `amendment` on the contract from `effective_date`. Call inside the
    transaction that accepts the offer; with `presentation_id` the unique presentation on
    the amendment makes a second application impossible."""
    contract = record_lock(
        Contract.objects.select_related("product"),
        contract_id,
        expected_state=None,
        missing=_MISSING,
    )
    row = ContractAmendment(
        contract=contract,
        kind=amendment.kind,
        effective_date=effective_date,
        presentation_id=presentation_id,
        created_by=user,
        note=amendment.note,
    )
    changed: list[str] = []
    match amendment.kind:
        case AmendmentKind.DISCOUNT:
            until = add_months(effective_date, amendment.discount_months)
            row.discount_percent, row.discount_until = amendment.discount_percent, until
            contract.discount_percent, contract.discount_until = row.discount_percent, until
            changed = ["discount_percent", "discount_until"]
        case AmendmentKind.FEE_ADJUSTMENT:
            row.old_monthly_fee, row.new_monthly_fee = (
                contract.monthly_fee,
                amendment.new_monthly_fee,
            )
            contract.monthly_fee, contract.fee_adjusted_on = row.new_monthly_fee, effective_date
            changed = ["monthly_fee", "fee_adjusted_on"]
        case AmendmentKind.FREE_MONTHS:
            row.free_months = amendment.free_months
            contract.free_months_remaining += amendment.free_months
            changed = ["free_months_remaining"]
        case AmendmentKind.PRODUCT_CHANGE:
            row.old_product, row.new_product = (
                contract.product,
                Product.objects.get(pk=amendment.new_product_id),
            )
            row.old_monthly_fee, row.new_monthly_fee = (
                contract.monthly_fee,
                amendment.new_monthly_fee,
            )
            contract.product, contract.monthly_fee = row.new_product, row.new_monthly_fee
            changed = ["product", "monthly_fee"]
        case AmendmentKind.TERM_CHANGE:
            row.old_term_months, row.new_term_months = (
                contract.term_months,
                amendment.new_term_months,
            )
            contract.term_months = amendment.new_term_months
            changed = ["term_months"]
        case AmendmentKind.RELOCATION:
            if not new_address.strip():
                raise ServiceError(_("Enter the address the product moves to."), code="address")
            row.new_address = new_address.strip()
        case AmendmentKind.PAUSE:
            # No fees while paused; the term grows by the pause, so no revenue is given up.
            row.pause_until = add_months(effective_date, amendment.pause_months)
            row.old_term_months = contract.term_months
            row.new_term_months = contract.term_months + amendment.pause_months
            contract.paused_until, contract.term_months = row.pause_until, row.new_term_months
            changed = ["paused_until", "term_months"]
    row.save()
    if changed:
        contract.save(update_fields=[*changed, "updated_at"])
    contract_amended_emit(amendment=row)
    return row


def contract_cancel(*, contract_id: int, effective_date: date) -> Contract:
    contract = record_lock(Contract.objects, contract_id, expected_state=None, missing=_MISSING)
    contract.status, contract.cancelled_on = ContractStatus.CANCELLED, effective_date
    contract.save(update_fields=["status", "cancelled_on", "updated_at"])
    return contract
