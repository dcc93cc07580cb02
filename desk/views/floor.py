"""The floor view for supervisors: who is on which call, what is waiting, today so far."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError
from core.permissions import supervisor_required
from core.screens import screen_page
from core.steps import form_errors
from core.updates import FLOOR_KEY, UpdateCheck
from desk.forms import CoachingNoteForm
from desk.selectors import desk_agents, floor_overview
from desk.services.supervision import coaching_note_write


@require_GET
@supervisor_required
def floor(request):
    """Polled; answered 204 before it reaches here while the floor's version holds
    (`core.updates`)."""
    check = UpdateCheck(FLOOR_KEY)  # read before the database
    context = {
        **floor_overview(user=request.user),
        "agents": desk_agents(),
        "check": check.token(request, reverse("floor")),
    }
    return screen_page(request, page="desk/floor.html", name="board", context=context)


@require_POST
@supervisor_required
def coaching_note(request):
    form = CoachingNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            coaching_note_write(
                user=request.user,
                agent_id=form.cleaned_data["agent"],
                text=form.cleaned_data["text"],
                submission=form.cleaned_data["submission"],
            )
        except ServiceError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The note is on the agent's home page."))
    if request.POST.get("next") == "coaching":
        return redirect(f"{reverse('dashboards')}?tab=coaching")
    return redirect("floor")
