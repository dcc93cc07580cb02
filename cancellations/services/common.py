"""What the cancellation services share: the request row locked for a step, and an offer's
answer recorded (with the answer tally the ranking reads)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.services.tally import tally_answer_move
from core.fsm import record_lock

_MISSING = gettext_lazy("That cancellation request does not exist.")


def _requests():
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason", "current_presentation"
    )


def _lock(request_id: int, expected_state: str | None) -> CancellationRequest:
    return record_lock(_requests(), request_id, expected_state=expected_state, missing=_MISSING)


def _answer(presentation: OfferPresentation | None, answer: str, note: str = "") -> None:
    if presentation is None:
        return
    before = presentation.answer
    presentation.answer, presentation.answered_at = answer, timezone.now()
    if note:
        presentation.answer_note = note
    presentation.save(update_fields=["answer", "answered_at", "answer_note"])
    tally_answer_move(presentation, before, answer)
