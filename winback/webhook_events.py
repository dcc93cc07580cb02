"""What the desk tells other systems about win-back (webhooks): a departed customer won
back on a new contract. Emitted inside the service's transaction."""

from customers.models import Contract
from customers.webhook_events import contract_ref, contract_terms, customer_ref, ordering_key
from webhooks.choices import EventType
from webhooks.models import Event
from webhooks.services.events import event_emit
from winback.models import WinBackCase


def win_back_won_emit(*, case: WinBackCase) -> Event:
    """`winback.won`: the case (departure, value tier, the offer, the diagnosed reason),
    the contract the customer left and the new one, as the win-back left it."""
    new = Contract.objects.select_related("product", "customer").get(pk=case.new_contract_id)
    left = Contract.objects.filter(pk=case.contract_id).first()
    reason = case.diagnosed_reason
    return event_emit(
        type=EventType.WINBACK_WON,
        data={
            "win_back": {
                "id": case.pk,
                "departed_on": case.departed_on,
                "tier": case.tier,
                "value": case.value,
                "offer": case.offer.code if case.offer_id else None,
                "diagnosed_reason": reason.code if reason else None,
                "diagnosis": case.diagnosis_note,
                "agent_id": case.handled_by_id,
                "closed_at": case.closed_at,
            },
            "previous_contract": contract_ref(left) if left else None,
            "contract": contract_terms(new),
            "customer": customer_ref(new.customer),
        },
        ordering_key=ordering_key(contract_id=new.pk),
        occurred_at=case.closed_at,
    )
