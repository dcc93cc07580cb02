"""The handling every call shares, for a claim: notes, the customer type, a manager asked for."""

from claims.models import Claim
from claims.services.common import _MISSING, _claims
from core.services.handling import (
    handled_call_notes_save,
    handled_call_request_manager,
    handled_call_tag,
)


def claim_notes_save(*, claim_id: int, user, notes: str) -> Claim:
    return handled_call_notes_save(
        queryset=_claims(), pk=claim_id, user=user, notes=notes, missing=_MISSING
    )


def claim_tag_customer_type(*, claim_id: int, user, customer_type_id: int | None) -> Claim:
    return handled_call_tag(
        queryset=_claims(),
        pk=claim_id,
        user=user,
        customer_type_id=customer_type_id,
        missing=_MISSING,
    )


def claim_request_manager(*, claim_id: int, user, expected_state: str | None = None) -> Claim:
    return handled_call_request_manager(
        queryset=_claims(),
        pk=claim_id,
        user=user,
        expected_state=expected_state,
        missing=_MISSING,
    )
