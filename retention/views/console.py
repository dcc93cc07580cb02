"""The call console for one cancellation request.

Every step is a POST to `act/<name>` carrying the state the agent saw (`expected_state`).
The view validates the form, calls the one service for that step, and re-renders the
console (the `console` partial for htmx). A refusal is shown as a message with the request
as it really is; the notes live outside the swapped part, so nothing typed is lost.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from retention import forms as f
from retention.choices import RequestState
from retention.errors import ServiceError
from retention.selectors import (
    cancellation_get_for_user,
    console_actions,
    console_data,
    console_version,
)
from retention.services import cancellations as svc
from retention.views.steps import Action, step_run

ACTIONS: dict[str, Action] = {
    "identify_reason": Action(
        f.ReasonForm,
        lambda pk, user, data, seen: svc.cancellation_identify_reason(
            request_id=pk,
            user=user,
            reason_id=data["reason"],
            note=data["note"],
            competitor_name=data["competitor_name"],
            competitor_offer=data["competitor_offer"],
            expected_state=seen,
        ),
    ),
    "present_offer": Action(
        f.OfferForm,
        lambda pk, user, data, seen: svc.offer_present(
            request_id=pk, user=user, offer_id=data["offer"], expected_state=seen
        ),
    ),
    "accept_offer": Action(
        f.AcceptForm,
        lambda pk, user, data, seen: svc.offer_accept(
            request_id=pk, user=user, new_address=data["new_address"], expected_state=seen
        ),
    ),
    "decline_offer": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.offer_decline(
            request_id=pk, user=user, note=data["note"], expected_state=seen
        ),
    ),
    "approve_offer": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.offer_approve(
            request_id=pk, user=user, note=data["note"], expected_state=seen
        ),
    ),
    "deny_offer": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.offer_deny(
            request_id=pk, user=user, note=data["note"], expected_state=seen
        ),
    ),
    "withdraw_approval_request": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.offer_approval_withdraw(
            request_id=pk, user=user, expected_state=seen
        ),
    ),
    "insist_on_cancelling": Action(
        f.InsistForm,
        lambda pk, user, data, seen: svc.cancellation_insist(
            request_id=pk,
            user=user,
            effective_date=data["effective_date"],
            note=data["note"],
            expected_state=seen,
        ),
    ),
    "requote": Action(
        f.RequoteForm,
        lambda pk, user, data, seen: svc.cancellation_requote(
            request_id=pk, user=user, effective_date=data["effective_date"], expected_state=seen
        ),
    ),
    "reconsider": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.cancellation_reconsider(
            request_id=pk, user=user, note=data["note"], expected_state=seen
        ),
    ),
    "confirm_cancellation": Action(
        f.ConfirmForm,
        lambda pk, user, data, seen: svc.cancellation_confirm(
            request_id=pk,
            user=user,
            pickup_date=data["pickup_date"],
            note=data["note"],
            expected_state=seen,
        ),
    ),
    "schedule_callback": Action(
        f.CallbackForm,
        lambda pk, user, data, seen: svc.cancellation_schedule_callback(
            request_id=pk,
            user=user,
            callback_at=data["callback_at"],
            note=data["note"],
            expected_state=seen,
        ),
    ),
    "resume": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.cancellation_resume(
            request_id=pk, user=user, expected_state=seen
        ),
    ),
    "withdraw": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.cancellation_withdraw(
            request_id=pk, user=user, note=data["note"], expected_state=seen
        ),
    ),
    "request_manager": Action(
        f.NoteForm,
        lambda pk, user, data, seen: svc.cancellation_request_manager(
            request_id=pk, user=user, note=data["note"], expected_state=seen
        ),
    ),
    "tag_customer_type": Action(
        f.CustomerTypeForm,
        lambda pk, user, data, seen: svc.cancellation_tag_customer_type(
            request_id=pk, user=user, customer_type_id=data["customer_type"]
        ),
    ),
}


def _render_console(request, pk, *, status: int = 200):
    obj = cancellation_get_for_user(user=request.user, pk=pk)
    context = console_data(request=obj, user=request.user)
    template = "retention/console.html#console" if request.htmx else "retention/console.html"
    return render(request, template, context, status=status)


@require_GET
def console(request, pk):
    return _render_console(request, pk)


@require_GET
def console_poll(request, pk):
    """Polled every 2 s: nothing (204) while the state is the one on screen, else the fresh
    console, so an approval appears while the customer holds, without a reload."""
    obj = cancellation_get_for_user(user=request.user, pk=pk)
    seen = request.GET.get("seen", "")
    if seen == console_version(
        request=obj, actions=console_actions(request=obj, user=request.user)
    ):
        return HttpResponse(status=204)
    if seen.split("|")[0] != obj.state:
        messages.info(
            request,
            _("The request moved on: it is now at “%(state)s”.")
            % {"state": RequestState(obj.state).label},
        )
    response = render(
        request, "retention/console.html#console", console_data(request=obj, user=request.user)
    )
    response["HX-Retarget"] = "#console"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_POST
def console_act(request, pk, name):
    cancellation_get_for_user(user=request.user, pk=pk)  # 404 / 403 before anything else
    step_run(request, ACTIONS, name, pk)
    return _done(request, pk)


def _done(request, pk):
    if request.htmx:
        return _render_console(request, pk)
    return redirect("console", pk=pk)


@require_POST
def notes_save(request, pk):
    form = f.NotesForm(request.POST)
    obj = cancellation_get_for_user(user=request.user, pk=pk)
    saved, problem = False, ""
    if form.is_valid():
        try:
            svc.cancellation_notes_save(
                request_id=obj.pk, user=request.user, notes=form.cleaned_data["notes"]
            )
            saved = True
        except ServiceError as refused:
            problem = refused.message
    else:
        problem = _("The notes are too long.")
    context = {"saved": saved, "problem": problem}
    if request.htmx:
        return render(request, "retention/console.html#notes-status", context)
    if problem:
        messages.error(request, problem)
    return redirect("console", pk=pk)
