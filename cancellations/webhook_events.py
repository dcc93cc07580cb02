"""What the desk tells other systems about cancellation calls (webhooks): a customer
retained on an offer, a cancellation confirmed on its quote. Emitted inside the service's
transaction; the contract is read again, as the step left it."""

from cancellations.models import CancellationRequest
from customers.models import Contract, ContractAmendment
from customers.webhook_events import contract_terms, customer_ref, ordering_key
from webhooks.choices import EventType
from webhooks.models import Event
from webhooks.services.events import event_emit


def _request(request: CancellationRequest) -> dict:
    reason = request.reason
    return {
        "id": request.pk,
        "state": request.state,
        "reason": {"code": reason.code, "category": reason.category} if reason else None,
        "reason_note": request.reason_note,
        "competitor": request.competitor_name or None,
        "agent_id": request.agent_id,
        "opened_at": request.opened_at,
        "closed_at": request.closed_at,
        "source_claim_id": request.source_claim_id,
    }


def _contract(request: CancellationRequest) -> dict:
    return contract_terms(Contract.objects.select_related("product").get(pk=request.contract_id))


def cancellation_retained_emit(*, request: CancellationRequest) -> Event:
    """`cancellation.retained`: the request, the offer accepted (its terms as presented)
    and the contract after the amendment that carried it out."""
    presentation = request.current_presentation
    amendment_id = (
        ContractAmendment.objects.filter(presentation=presentation)
        .values_list("pk", flat=True)
        .first()
    )
    return event_emit(
        type=EventType.CANCELLATION_RETAINED,
        data={
            "request": _request(request),
            "offer": {
                "presentation_id": presentation.pk,
                "code": presentation.code,
                "name_ko": presentation.name_ko,
                "name_en": presentation.name_en,
                "kind": presentation.kind,
                "value": presentation.value,
                "terms": presentation.terms,
                "monthly_fee_before": presentation.monthly_fee_before,
                "monthly_fee_after": presentation.monthly_fee_after,
                "needs_approval": presentation.needs_approval,
                "approved_by_id": presentation.approval_decided_by_id,
            },
            "amendment_id": amendment_id,
            "contract": _contract(request),
            "customer": customer_ref(request.customer),
        },
        ordering_key=ordering_key(contract_id=request.contract_id),
        occurred_at=request.closed_at,
    )


def _quote(quote: dict | None) -> dict | None:
    """The quote as given to the customer (stored on the request): each line by its code
    (positive: owed by the customer; negative: refunded) and the total."""
    if not quote:
        return None
    lines = {line["code"]: line["amount"] for line in quote.get("lines", [])}
    return {
        "effective_date": quote.get("effective_date"),
        "months_used": quote.get("months_used"),
        "remaining_months": quote.get("remaining_months"),
        "remaining_minimum_months": quote.get("remaining_minimum_months"),
        "penalty": lines.get("penalty", 0),
        "recovered_fees": lines.get("cost_recovery", 0),
        "prepaid_refund": -lines.get("prepaid_refund", 0),
        "total": quote.get("total"),
        "lines": quote.get("lines", []),
    }


def cancellation_cancelled_emit(*, request: CancellationRequest) -> Event:
    """`cancellation.cancelled`: the request, the quote the customer accepted, the
    effective date and the pick-up date, and the contract as cancelled."""
    return event_emit(
        type=EventType.CANCELLATION_CANCELLED,
        data={
            "request": _request(request),
            "quote": _quote(request.quote),
            "effective_date": request.effective_date,
            "pickup_date": request.pickup_date,
            "contract": _contract(request),
            "customer": customer_ref(request.customer),
        },
        ordering_key=ordering_key(contract_id=request.contract_id),
        occurred_at=request.closed_at,
    )
