"""What the desk tells other systems about claims (webhooks): a claim closed, a
compensation approved. Emitted inside the service's transaction."""

from claims.choices import CompensationStatus
from claims.models import Claim, Compensation
from customers.webhook_events import contract_ref, customer_ref, ordering_key
from webhooks.choices import EventType
from webhooks.models import Event
from webhooks.services.events import event_emit


def _claim(claim: Claim) -> dict:
    return {
        "id": claim.pk,
        "subject": claim.subject,
        "state": claim.state,
        "root_cause": claim.root_cause or None,
        "recovery_outcome": claim.recovery_outcome or None,
        "thanked": claim.thanked,
        "escalated": claim.escalated_at is not None,
        "agent_id": claim.agent_id,
        "received_at": claim.received_at,
        "closed_at": claim.closed_at,
    }


def _where(claim: Claim) -> dict:
    return {
        "customer": customer_ref(claim.customer),
        "contract": contract_ref(claim.contract) if claim.contract_id else None,
    }


def _key(claim: Claim) -> str:
    return ordering_key(contract_id=claim.contract_id, customer_id=claim.customer_id)


def claim_closed_emit(*, claim: Claim) -> Event:
    """`claim.closed`: the claim as closed (cause, recovery, thanks) and the compensation
    it gave (approved only)."""
    given = claim.compensations.filter(status=CompensationStatus.APPROVED).order_by("pk")
    return event_emit(
        type=EventType.CLAIM_CLOSED,
        data={
            "claim": _claim(claim),
            "compensations": [{"id": c.pk, "form": c.form, "amount": c.amount} for c in given],
            **_where(claim),
        },
        ordering_key=_key(claim),
        occurred_at=claim.closed_at,
    )


def compensation_approved_emit(*, compensation: Compensation, claim: Claim) -> Event:
    """`compensation.approved`: granted at once (within the threshold, `approval`
    "not_needed") or approved by a supervisor (`approval` "supervisor")."""
    by_supervisor = compensation.decided_by_id is not None
    return event_emit(
        type=EventType.COMPENSATION_APPROVED,
        data={
            "compensation": {
                "id": compensation.pk,
                "form": compensation.form,
                "amount": compensation.amount,
                "description": compensation.description,
                "approval": "supervisor" if by_supervisor else "not_needed",
                "proposed_by_id": compensation.proposed_by_id,
                "proposed_at": compensation.proposed_at,
                "approved_by_id": compensation.decided_by_id,
                "approved_at": compensation.decided_at or compensation.proposed_at,
            },
            "claim": {"id": claim.pk, "subject": claim.subject, "state": claim.state},
            **_where(claim),
        },
        ordering_key=_key(claim),
        occurred_at=compensation.decided_at or compensation.proposed_at,
    )
