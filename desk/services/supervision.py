"""What the desk does above the workflows: a supervisor takes a call over or gives it to
another agent (cancellation requests and claims alike), writes a coaching note; a claim
opens a cancellation request for its contract."""

from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cancellations.models import CancellationRequest
from cancellations.services.opening import cancellation_open
from claims.models import Claim
from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.fsm import record_lock
from core.permissions import can_handle_request
from core.services.audit import audit_record
from core.services.submissions import submission_once
from desk.models import CoachingNote


def _check_supervisor(user) -> None:
    if not user.has_perm("cancellations.approve_offers"):
        raise NotPermitted(_("Only supervisors take over or reassign calls."))


def cancellation_hand_over(*, request_id: int, user, new_agent_id: int | None = None):
    """A supervisor takes the call over (no new agent) or gives it to another agent."""
    return handler_change(
        queryset=CancellationRequest.objects.all(),
        pk=request_id,
        user=user,
        new_agent_id=new_agent_id,
        missing=_("That cancellation request does not exist."),
    )


def claim_hand_over(*, claim_id: int, user, new_agent_id: int | None = None):
    """A supervisor takes the claim over (no new agent) or gives it to another agent."""
    return handler_change(
        queryset=Claim.objects.all(),
        pk=claim_id,
        user=user,
        new_agent_id=new_agent_id,
        missing=_("That claim does not exist."),
    )


def claim_start_cancellation(*, claim_id: int, user):
    """The customer wants to leave because of the claim: a cancellation request for the same
    contract, linked to the claim (analysis sees the claims that caused churn). The desk
    connects the two sibling workflows; neither imports the other."""
    claim = Claim.objects.select_related("contract").filter(pk=claim_id).first()
    if claim is None:
        raise ServiceError(_("That claim does not exist."), code="not_found")
    if not can_handle_request(user, claim):
        raise NotPermitted(_("You are not allowed to take that step."))
    if claim.contract_id is None:
        raise ServiceError(
            _("This claim is not about a contract: start the cancellation from the customer."),
            code="contract",
        )
    return cancellation_open(contract_id=claim.contract_id, user=user, source_claim_id=claim.pk)


def handler_change(
    *, queryset: models.QuerySet, pk: int, user, new_agent_id: int | None, missing: str
) -> models.Model:
    """Make `new_agent_id` (or the supervisor, when None: a take-over) the handler of the
    open request or claim `pk`, clearing a customer's request for a manager. Audited."""
    _check_supervisor(user)
    with transaction.atomic():
        subject = record_lock(queryset, pk, expected_state=None, missing=missing)
        if not subject.is_open:
            raise ServiceError(_("This is closed; there is nothing to hand over."), code="closed")
        if new_agent_id is None:
            new_agent = user
        else:
            try:
                new_agent = User.objects.get(pk=int(new_agent_id), is_active=True)
            except (User.DoesNotExist, TypeError, ValueError):
                raise ServiceError(_("Choose an agent from the list."), code="agent") from None
            if not new_agent.has_perm("customers.handle_calls"):
                raise ServiceError(_("That person does not take calls."), code="agent")
        previous = subject.agent_id
        subject.agent = new_agent
        subject.manager_requested_at = None
        subject.save()
        audit_record(
            subject=subject,
            action=AuditAction.TAKE_OVER if new_agent == user else AuditAction.REASSIGN,
            source=subject.state,
            target=subject.state,
            user=user,
            data={"from": previous, "to": new_agent.pk},
        )
    return subject


def coaching_note_write(*, user, agent_id, text: str, submission=None):
    """A supervisor's coaching note for an agent; the agent sees it on their home page.
    `submission`: the form's one-time key (sent twice, one note)."""
    _check_supervisor(user)
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the note first."), code="text")
    try:
        agent = User.objects.get(pk=int(agent_id), is_active=True)
    except (User.DoesNotExist, TypeError, ValueError):
        raise ServiceError(_("Choose an agent from the list."), code="agent") from None
    if len(text) > 5000:
        raise ServiceError(_("Keep the note under 5,000 characters."), code="text")

    def create() -> CoachingNote:
        note = CoachingNote.objects.create(agent=agent, author=user, text=text)
        audit_record(subject=note, action=AuditAction.COACH, user=user, data={"agent": agent.pk})
        return note

    with transaction.atomic():
        return submission_once(
            kind="coaching", key=submission, user=user, model=CoachingNote, create=create
        )
