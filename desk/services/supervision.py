"""What a supervisor does to a call in progress: take it over, or hand it to another agent.
Shared by cancellation requests and claims (anything with an `agent` and a `state`)."""

from django.db import models, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotPermitted, ServiceError
from core.fsm import record_lock
from core.services.audit import audit_record
from core.services.submissions import submission_once


def _check_supervisor(user) -> None:
    if not user.has_perm("cancellations.approve_offers"):
        raise NotPermitted(_("Only supervisors take over or reassign calls."))


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
            action="take_over" if new_agent == user else "reassign",
            source=subject.state,
            target=subject.state,
            user=user,
            data={"from": previous, "to": new_agent.pk},
        )
    return subject


def coaching_note_write(*, user, agent_id, text: str, submission=None):
    """A supervisor's coaching note for an agent; the agent sees it on their home page.
    `submission`: the form's one-time key (sent twice, one note)."""
    from desk.models import CoachingNote

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
        audit_record(subject=note, action="coach", user=user, data={"agent": agent.pk})
        return note

    with transaction.atomic():
        return submission_once(
            kind="coaching", key=submission, user=user, model=CoachingNote, create=create
        )
