"""The company's telephone system, as its events reach the desk (`POST /api/v1/telephony/
events`): a call ringing, answered by an agent, ended. When an agent answers, their screen
shows the caller within a poll (the screen pop); what they open during the call keeps it."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.choices import PhoneCallState
from calls.models import CallTask, PhoneCall
from calls.webhook_events import call_dial_requested_emit
from core.choices import AuditAction
from core.errors import NotPermitted, ServiceError
from core.services.audit import audit_record
from core.updates import update_check_token
from customers.models import Customer
from customers.phones import phone_normalize

EVENTS = ("ringing", "answered", "ended")
POP_SECONDS = 120  # a pop not shown within this long is stale (the agent was away)
IN_PROGRESS_LIMIT = timedelta(hours=4)  # an answered call never ended is not current forever
DIAL_REPEAT_SECONDS = 10  # a second press within this long is the same call (a double click)


def _pop_key(agent_id: int) -> str:
    return f"phone-pop:{agent_id}"


def _agent(named: str) -> User | None:
    if not named:
        return None
    agent = User.objects.filter(
        Q(username=named) | Q(phone_extension=named), is_active=True
    ).first()
    if agent is None:
        raise ServiceError(
            _("No active desk user has the username or extension %(name)s.") % {"name": named},
            code="unknown_reference",
        )
    return agent


def _caller(number: str) -> tuple[str, Customer | None, int]:
    digits = phone_normalize(number)[:20]
    if not digits:
        return "", None, 0
    found = list(Customer.objects.filter(Q(phone=digits) | Q(alt_phone=digits)).order_by("pk")[:2])
    return digits, (found[0] if len(found) == 1 else None), len(found)


def _locked(call_id: str) -> PhoneCall:
    call = PhoneCall.objects.select_for_update().filter(external_id=call_id).first()
    if call is not None:
        return call
    try:
        with transaction.atomic():
            return PhoneCall.objects.create(external_id=call_id)
    except IntegrityError:  # the same call's first event, sent twice at once
        return PhoneCall.objects.select_for_update().get(external_id=call_id)


def phone_event_record(
    *,
    event: str,
    call_id: str,
    number: str = "",
    agent: str = "",
    occurred_at: datetime | None = None,
    recording_url: str = "",
) -> PhoneCall:
    """Record one event of a call (the same event twice changes nothing; events arriving
    out of order keep the first time of each). An answered call pops up on its agent's
    screen."""
    if event not in EVENTS:
        raise ServiceError(_("Unknown telephony event."), code="invalid")
    if not call_id:
        raise ServiceError(_("The call id is missing."), code="required")
    if event == "answered" and not agent:
        raise ServiceError(_("Say which agent answered."), code="required")
    moment = occurred_at or timezone.now()
    with transaction.atomic():
        handler = _agent(agent)
        call = _locked(call_id)
        if number and not call.number:
            call.number, call.customer, call.matches = _caller(number)
        if handler is not None and call.agent_id is None:
            call.agent = handler
        if event == "ringing":
            call.rang_at = call.rang_at or moment
        elif event == "answered":
            first_answer = call.answered_at is None
            call.answered_at = call.answered_at or moment
            if call.state == PhoneCallState.RINGING:
                call.state = PhoneCallState.ANSWERED
            if first_answer and call.state == PhoneCallState.ANSWERED and call.agent_id:
                agent_id, call_pk = call.agent_id, call.pk
                transaction.on_commit(lambda: _pop_set(agent_id, call_pk))
        else:
            call.ended_at = call.ended_at or moment
            call.state = PhoneCallState.ENDED
            call.recording_url = recording_url or call.recording_url
        call.save()
    return call


def _pop_set(agent_id: int, call_pk: int) -> None:
    try:
        cache.set(_pop_key(agent_id), call_pk, POP_SECONDS)
    except Exception:  # Redis down: the agent searches by hand, as before
        return


POP_CHECK_SECONDS = 8 * 3600  # the pop's token: the versions cannot age, the key is the truth


def phone_pop_check(request, *, path: str) -> str:
    """The pop's update-check token: the poll is answered 204 before the session is read
    while no call waits under this agent's key (the key itself is the version)."""
    return update_check_token(
        request, {_pop_key(request.user.pk): None}, path=path, max_age=POP_CHECK_SECONDS
    )


def phone_pop_take(*, agent_id: int) -> PhoneCall | None:
    """The call waiting to pop up on this agent's screen, taken once (None most of the time:
    one cache read, no query)."""
    try:
        call_pk = cache.get(_pop_key(agent_id))
        if call_pk is None:
            return None
        cache.delete(_pop_key(agent_id))
    except Exception:
        return None
    return PhoneCall.objects.select_related("customer").filter(pk=call_pk).first()


def phone_call_current(*, agent) -> PhoneCall | None:
    """The agent's answered call in progress, if the telephone system told the desk of one."""
    if agent is None or not agent.is_authenticated:
        return None
    since = timezone.now() - IN_PROGRESS_LIMIT
    return (
        PhoneCall.objects.filter(agent=agent, state=PhoneCallState.ANSWERED, answered_at__gte=since)
        .order_by("-answered_at")
        .first()
    )


def phone_dial_request(*, user, customer_id: int, call_task_id: int | None = None) -> Customer:
    """Click to dial: ask the telephone system (webhook `call.dial_requested`) to ring the
    agent's extension and dial the customer. Refused for a customer who asked not to be
    called; a second press within a few seconds is not a second call."""
    if not user.has_perm("customers.handle_calls"):
        raise NotPermitted(_("Only agents and supervisors make calls."))
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise ServiceError(_("That customer does not exist."), code="not_found")
    if customer.do_not_call:
        raise ServiceError(_("This customer asked not to be called."), code="do_not_call")
    task = None
    if call_task_id is not None:
        task = CallTask.objects.filter(pk=call_task_id, customer=customer).first()
        if task is None:
            raise ServiceError(_("That call does not exist."), code="not_found")
    try:
        fresh = cache.add(f"dial:{user.pk}:{customer.pk}", 1, DIAL_REPEAT_SECONDS)
    except Exception:  # Redis down: a double click may ring twice, a call is never lost
        fresh = True
    if not fresh:
        raise ServiceError(_("Your phone is already ringing for this customer."), code="dialling")
    with transaction.atomic():
        call_dial_requested_emit(agent=user, customer=customer, task=task)
        audit_record(
            subject=customer,
            action=AuditAction.DIAL_REQUEST,
            user=user,
            data={"call_task_id": task.pk if task else None},
        )
    return customer
