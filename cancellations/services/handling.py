"""What every handled call has, for a cancellation request: the agent's notes, the customer
type and a request for a manager (the services of `core.services.handling`, on this row)."""

from cancellations.models import CancellationRequest
from cancellations.services.common import _MISSING, _requests
from core.services.handling import (
    handled_call_notes_save,
    handled_call_request_manager,
    handled_call_tag,
)


def cancellation_notes_save(*, request_id: int, user, notes: str) -> CancellationRequest:
    return handled_call_notes_save(
        queryset=_requests(), pk=request_id, user=user, notes=notes, missing=_MISSING
    )


def cancellation_tag_customer_type(
    *, request_id: int, user, customer_type_id: int | None
) -> CancellationRequest:
    return handled_call_tag(
        queryset=_requests(),
        pk=request_id,
        user=user,
        customer_type_id=customer_type_id,
        missing=_MISSING,
    )


def cancellation_request_manager(
    *, request_id: int, user, note: str = "", expected_state: str | None = None
) -> CancellationRequest:
    return handled_call_request_manager(
        queryset=_requests(),
        pk=request_id,
        user=user,
        note=note,
        expected_state=expected_state,
        missing=_MISSING,
    )
