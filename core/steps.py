"""How a console turns a POSTed step into one service call (shared by both consoles)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

from core.errors import Conflict, ServiceError


@dataclass(frozen=True)
class Action:
    """One console action: its form, its service, and which form field feeds which keyword
    argument of the service (`kwargs`: argument -> field). Steps of a state machine also get
    the state the agent saw (`stateful`); notes, tags and deadlines do not."""

    form: type[forms.Form]
    service: Callable
    kwargs: dict[str, str] = field(default_factory=dict)
    stateful: bool = True


def step(
    form_class: type[forms.Form], service: Callable, /, *, stateful: bool = True, **kwargs: str
) -> Action:
    """`step(NoteForm, offer_decline, note="note")`: an Action in one line."""
    return Action(form=form_class, service=service, kwargs=kwargs, stateful=stateful)


def form_errors(form: forms.Form) -> str:
    """Every error of a refused form, as one message (each said once)."""
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    return " ".join(dict.fromkeys(errors))


def step_run(
    request, actions: dict[str, Action], name: str, pk: int, *, subject: str = "request_id"
) -> bool:
    """Validate the step's form and call its service with the state the agent saw. Every
    refusal becomes a message; nothing is changed then. True when the step ran."""
    action = actions.get(name)
    if action is None:
        messages.error(request, _("That step does not exist."))
        return False
    form = action.form(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return False
    arguments = {arg: form.cleaned_data[name] for arg, name in action.kwargs.items()}
    if action.stateful:
        arguments["expected_state"] = request.POST.get("expected_state") or None
    try:
        action.service(**{subject: pk}, user=request.user, **arguments)
    except Conflict as conflict:
        messages.warning(request, conflict.message)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        return True
    return False
