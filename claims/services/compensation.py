"""Compensation for a claim: an agent proposes it, a supervisor decides what is above the
threshold."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.choices import CompensationForm, CompensationStatus
from claims.models import Compensation
from claims.services.common import _check_may_handle, _lock, _text
from claims.webhook_events import compensation_approved_emit
from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.permissions import can_decide_approval
from core.services.audit import audit_record
from core.services.submissions import submission_once


def compensation_propose(
    *, claim_id: int, user, form: str, amount: int, description: str = "", submission=None
) -> Compensation:
    """Material or emotional compensation in KRW. Up to the threshold it is granted at once;
    above it a supervisor approves. `submission`: the form's one-time key (sent twice, one
    compensation); without one, the same proposal within 30 s counts as a double click."""
    if form not in CompensationForm.values:
        raise ServiceError(_("Choose the form of compensation."), code="form")
    try:
        amount = int(str(amount).strip())  # "12.5", 12.5 and "lots" are refused, not rounded
    except (TypeError, ValueError):
        raise ServiceError(_("Give the amount in whole won."), code="amount") from None
    if amount < 0:
        raise ServiceError(_("A compensation cannot be negative."), code="amount")
    if amount > settings.CLAIMS_COMPENSATION_MAX:
        raise ServiceError(
            _("A compensation above %(max)s won is not given from the desk.")
            % {"max": f"{settings.CLAIMS_COMPENSATION_MAX:,}"},
            code="amount",
        )
    if form in (CompensationForm.REFUND, CompensationForm.VOUCHER) and amount == 0:
        raise ServiceError(_("A refund or voucher needs an amount."), code="amount")
    with transaction.atomic():
        claim = _lock(claim_id, None)
        _check_may_handle(claim, user)
        if not claim.is_open:
            raise ServiceError(_("This claim is closed."), code="closed")
        recent = claim.compensations.filter(
            proposed_by=user,
            form=form,
            amount=amount,
            proposed_at__gte=timezone.now() - timedelta(seconds=30),
        ).first()
        if recent is not None and submission is None:
            return recent  # the same proposal twice in a moment: a double click

        def create() -> Compensation:
            given = sum(
                claim.compensations.exclude(status=CompensationStatus.DENIED).values_list(
                    "amount", flat=True
                )
            )
            # The threshold is on what the claim has cost in all, so splitting a large
            # refund into small ones still reaches a supervisor.
            needs_approval = given + amount > settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD
            compensation = Compensation.objects.create(
                claim=claim,
                form=form,
                amount=amount,
                description=_text(description),
                status=(
                    CompensationStatus.AWAITING_APPROVAL
                    if needs_approval
                    else CompensationStatus.APPROVED
                ),
                proposed_by=user,
            )
            audit_record(
                subject=claim,
                action=AuditAction.COMPENSATION_PROPOSE,
                source=claim.state,
                target=claim.state,
                user=user,
                data={"form": form, "amount": amount, "needs_approval": needs_approval},
            )
            if not needs_approval:
                compensation_approved_emit(compensation=compensation, claim=claim)
            return compensation

        return submission_once(
            kind="compensation", key=submission, user=user, model=Compensation, create=create
        )


def compensation_decide(
    *, compensation_id: int, user, approve: bool, note: str = ""
) -> Compensation:
    """A supervisor approves or denies a compensation above the threshold (never on a claim
    they handle themselves). Denying needs a note."""
    if not approve and not _text(note):
        raise ServiceError(_("Say why, so the agent can tell the customer."), code="note")
    with transaction.atomic():
        compensation = (
            Compensation.objects.select_for_update(of=("self",))
            .select_related("claim")
            .filter(pk=compensation_id)
            .first()
        )
        if compensation is None:
            raise ServiceError(_("That compensation does not exist."), code="not_found")
        if (
            not can_decide_approval(user, compensation.claim)
            or compensation.proposed_by_id == user.pk
        ):
            raise NotPermitted(_("You are not allowed to take that step."))
        if compensation.status != CompensationStatus.AWAITING_APPROVAL:
            raise ServiceError(_("This compensation was already decided."), code="decided")
        compensation.status = CompensationStatus.APPROVED if approve else CompensationStatus.DENIED
        compensation.decided_by, compensation.decided_at = user, timezone.now()
        compensation.decision_note = _text(note)
        compensation.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            subject=compensation.claim,
            action=AuditAction.COMPENSATION_APPROVE if approve else AuditAction.COMPENSATION_DENY,
            source=compensation.claim.state,
            target=compensation.claim.state,
            user=user,
            note=compensation.decision_note,
            data={"compensation": compensation.pk, "amount": compensation.amount},
        )
        if approve:
            compensation_approved_emit(compensation=compensation, claim=compensation.claim)
    return compensation
