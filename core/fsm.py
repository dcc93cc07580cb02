"""Running django-fsm transitions the same way for every state machine of the desk.

A service locks the row (`record_lock`), then `transition_run` checks that the step is
possible from this state, that this user may take it and that its guards hold, refusing
with a message a person can act on; otherwise it runs the transition, saves, and writes the
audit entry in the same transaction.

Guards are plain functions of the instance. `guard(message)` attaches the refusal message;
`guard(message, input=True)` marks a guard on what the agent types for this very step (the
customer's account, the root cause): the console still offers that step's form, and the
service refuses it, with the message, until the input is there.
"""

from collections.abc import Callable

import pghistory
from django.db import models
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed

from core.errors import Conflict, NotPermitted, ServiceError
from core.services.audit import audit_record


def guard(message, *, input: bool = False):
    """Attach the refusal `message` (a string or a callable returning one) to a condition."""

    def decorate(condition: Callable) -> Callable:
        condition.refusal = message
        condition.input_guard = input
        return condition

    return decorate


def _refusal(condition: Callable) -> str:
    message = getattr(condition, "refusal", None) or _("A condition for this step is not met.")
    return str(message() if callable(message) else message)


def state_label(instance: models.Model) -> str:
    return str(instance.get_state_display())


def _conditions(instance: models.Model, name: str) -> list[Callable]:
    transition = getattr(instance, name)._django_fsm.get_transition(instance.state)
    return list(transition.conditions) if transition else []


def record_lock(
    queryset: models.QuerySet, pk, *, expected_state: str | None, missing: str
) -> models.Model:
    """Lock one row for the transaction. `expected_state` is the state the caller saw; a
    different one means someone else moved it first: `Conflict`, nothing done."""
    try:
        instance = queryset.select_for_update(of=("self",)).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise ServiceError(missing, code="not_found") from None
    if expected_state is not None and instance.state != expected_state:
        raise Conflict(
            _(
                "Someone else changed this %(thing)s: it is now at “%(state)s”. "
                "Look at it again before the next step."
            )
            % {"thing": instance._meta.verbose_name, "state": state_label(instance)}
        )
    return instance


def transition_refusal(instance: models.Model, name: str, *, user) -> None:
    """Raise, with the reason, unless transition `name` may run now for `user`."""
    method = getattr(instance, name)
    if not can_proceed(method, check_conditions=False):
        raise ServiceError(
            _("That step is not possible while the %(thing)s is at “%(state)s”.")
            % {"thing": instance._meta.verbose_name, "state": state_label(instance)},
            code="illegal_transition",
        )
    if not method._django_fsm.has_transition_perm(instance, instance.state, user):
        raise NotPermitted(_("You are not allowed to take that step."))
    unmet = [_refusal(c) for c in _conditions(instance, name) if not c(instance)]
    if unmet:
        raise ServiceError(" ".join(unmet), code="guard")


def transition_run(
    instance: models.Model,
    name: str,
    *,
    user,
    note: str = "",
    data: dict | None = None,
    args: tuple = (),
) -> str:
    """Run transition `name` on the locked `instance`, save it and audit it. Returns the
    state it came from. Call inside the service's transaction."""
    source = instance.state
    transition_refusal(instance, name, user=user)
    with pghistory.context(user=user.pk):
        getattr(instance, name)(*args)
        try:
            instance.save()
        except ConcurrentTransition:
            raise Conflict(_("Someone else changed this at the same moment.")) from None
    audit_record(
        subject=instance,
        action=name,
        source=source,
        target=instance.state,
        user=user,
        note=note,
        data=data,
    )
    return source


def available_actions(instance: models.Model, user) -> set[str]:
    """The steps `user` may take now: possible from this state, permitted, and every guard
    met except those on the step's own input (its form collects that)."""
    names = set()
    for transition in instance.get_all_state_transitions():
        if transition.source != instance.state:
            continue
        if not transition.has_perm(instance, user):
            continue
        if all(
            getattr(condition, "input_guard", False) or condition(instance)
            for condition in transition.conditions
        ):
            names.add(transition.name)
    return names
