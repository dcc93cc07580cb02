"""What the claim services share: the row lock, one step run, input clean-up, the access check."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.choices import FlagReason
from claims.models import Claim
from core.errors import NotPermitted
from core.fsm import record_lock, transition_run
from core.permissions import can_handle_request

_MISSING = gettext_lazy("That claim does not exist.")


def _claims():
    return Claim.objects.select_related("customer", "contract")


def _lock(claim_id: int, expected_state: str | None) -> Claim:
    return record_lock(_claims(), claim_id, expected_state=expected_state, missing=_MISSING)


def _step(claim: Claim, name: str, *, user, note: str = "", data: dict | None = None) -> None:
    """Run one step: the activity resets the idle clock and clears an idle flag."""
    claim.last_activity_at = timezone.now()
    if claim.flag_reason == FlagReason.IDLE:
        claim.flagged_at, claim.flag_reason = None, ""
    transition_run(claim, name, user=user, note=note, data=data)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _check_may_handle(claim: Claim, user) -> None:
    if not can_handle_request(user, claim):
        raise NotPermitted(_("You are not allowed to take that step."))
