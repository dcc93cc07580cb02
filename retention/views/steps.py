"""How a console turns a POSTed step into one service call (shared by both consoles)."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

from retention.errors import Conflict, ServiceError


@dataclass(frozen=True)
class Action:
    form: type[forms.Form]
    run: Callable  # (pk, user, cleaned_data, expected_state) -> object


def step_run(request, actions: dict[str, Action], name: str, pk: int) -> bool:
    """Validate the step's form and call its service with the state the agent saw. Every
    refusal becomes a message; nothing is changed then. True when the step ran."""
    action = actions.get(name)
    if action is None:
        messages.error(request, _("That step does not exist."))
        return False
    form = action.form(request.POST)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
        return False
    seen = request.POST.get("expected_state") or None
    try:
        action.run(pk, request.user, form.cleaned_data, seen)
    except Conflict as conflict:
        messages.warning(request, conflict.message)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        return True
    return False
