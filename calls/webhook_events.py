"""What the desk tells other systems about planned calls (webhooks): a call completed with
its outcome, a customer who asked not to be called. Emitted inside the outcome's
transaction. (`call.dial_requested` is the telephony integration's.)"""

from calls.models import CallTask
from customers.models import Contract, Customer
from customers.webhook_events import contract_ref, customer_ref, ordering_key
from webhooks.choices import EventType
from webhooks.models import Event
from webhooks.services.events import event_emit


def _key(task: CallTask) -> str:
    return ordering_key(contract_id=task.contract_id, customer_id=task.customer_id)


def call_completed_emit(*, task: CallTask) -> Event:
    """`call.completed`: the call (kind, outcome, attempts, what was said) and what it was
    about (the request, claim or win-back case by id)."""
    contract = Contract.objects.filter(pk=task.contract_id).first() if task.contract_id else None
    return event_emit(
        type=EventType.CALL_COMPLETED,
        data={
            "call": {
                "id": task.pk,
                "kind": task.kind,
                "outcome": task.outcome,
                "attempts": task.attempts,
                "queue": task.queue,
                "agent_id": task.assignee_id,
                "due_at": task.due_at,
                "taken_at": task.claimed_at,
                "result": task.result,
                "cancellation_request_id": task.cancellation_request_id,
                "claim_id": task.claim_id,
                "win_back_id": task.win_back_id,
            },
            "customer": customer_ref(task.customer),
            "contract": contract_ref(contract) if contract else None,
        },
        ordering_key=_key(task),
    )


def customer_do_not_call_emit(*, task: CallTask) -> Event:
    """`customer.do_not_call`: the customer asked on this call never to be called again."""
    return event_emit(
        type=EventType.CUSTOMER_DO_NOT_CALL,
        data={
            "customer": {**customer_ref(task.customer), "do_not_call": True},
            "call_id": task.pk,
            "agent_id": task.assignee_id,
        },
        ordering_key=ordering_key(customer_id=task.customer_id),
    )


def call_dial_requested_emit(*, agent, customer: Customer, task: CallTask | None = None) -> Event:
    """`call.dial_requested`: an agent pressed "Call"; the telephone system rings the agent's
    extension, then dials the number."""
    return event_emit(
        type=EventType.CALL_DIAL_REQUESTED,
        data={
            "agent": {
                "id": agent.pk,
                "username": agent.username,
                "extension": agent.phone_extension or None,
            },
            "number": customer.phone,
            "customer": customer_ref(customer),
            "call_id": task.pk if task else None,
        },
        ordering_key=ordering_key(customer_id=customer.pk),
    )
