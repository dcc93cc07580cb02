"""What the desk tells other systems about customers and contracts (webhooks): each event's
snapshot, built from the rows it describes, and emitted inside the change's transaction.

The references name a record by the desk's id and number and, when the record came from
the company's systems, by their id too (`external_id`, else null). The other apps' builders
use them, so a customer or a contract reads the same in every event."""

from customers.models import Contract, ContractAmendment, Customer, Product
from webhooks.choices import EventType
from webhooks.models import Event
from webhooks.services.events import event_emit


def customer_ref(customer: Customer) -> dict:
    return {
        "id": customer.pk,
        "customer_no": customer.customer_no,
        "external_id": customer.external_id,
    }


def product_ref(product: Product) -> dict:
    return {"id": product.pk, "code": product.code, "external_id": product.external_id}


def contract_ref(contract: Contract) -> dict:
    return {"id": contract.pk, "number": contract.number, "external_id": contract.external_id}


def contract_terms(contract: Contract) -> dict:
    """The contract as it stands (after the change being told)."""
    return {
        **contract_ref(contract),
        "status": contract.status,
        "product": product_ref(contract.product),
        "start_date": contract.start_date,
        "term_months": contract.term_months,
        "monthly_fee": contract.monthly_fee,
        "discount_percent": contract.discount_percent,
        "discount_until": contract.discount_until,
        "free_months_remaining": contract.free_months_remaining,
        "paused_until": contract.paused_until,
        "cancelled_on": contract.cancelled_on,
    }


def ordering_key(*, contract_id: int | None = None, customer_id: int | None = None) -> str:
    """Events about one contract arrive in order; without a contract, per customer."""
    if contract_id:
        return f"contract:{contract_id}"
    return f"customer:{customer_id}" if customer_id else ""


def _applied(amendment: ContractAmendment) -> dict:
    """The terms the amendment applied: only those of its kind."""
    a = amendment
    applied = {}
    if a.old_monthly_fee is not None or a.new_monthly_fee is not None:
        applied["monthly_fee"] = {"before": a.old_monthly_fee, "after": a.new_monthly_fee}
    if a.new_product_id:
        applied["product"] = {
            "before": product_ref(a.old_product),
            "after": product_ref(a.new_product),
        }
    if a.free_months:
        applied["free_months"] = a.free_months
    if a.discount_percent:
        applied["discount"] = {"percent": a.discount_percent, "until": a.discount_until}
    if a.pause_until:
        applied["pause"] = {"from": a.effective_date, "until": a.pause_until}
    if a.new_term_months is not None:
        applied["term_months"] = {"before": a.old_term_months, "after": a.new_term_months}
    if a.new_address:
        applied["relocation"] = {"new_address": a.new_address}
    return applied


def contract_amended_emit(*, amendment: ContractAmendment) -> Event:
    """`contract.amended`: the amendment (kind, date, what it applied) and the contract's
    terms after it. Called by `contract_amend`, in its transaction."""
    contract = amendment.contract
    return event_emit(
        type=EventType.CONTRACT_AMENDED,
        data={
            "amendment": {
                "id": amendment.pk,
                "kind": amendment.kind,
                "effective_date": amendment.effective_date,
                "applied": _applied(amendment),
                "note": amendment.note,
                "presentation_id": amendment.presentation_id,
            },
            "contract": contract_terms(contract),
            "customer": customer_ref(contract.customer),
        },
        ordering_key=ordering_key(contract_id=contract.pk),
        occurred_at=amendment.created_at,
    )
