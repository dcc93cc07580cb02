"""The call console for one cancellation request, and opening one from a contract.

Every step is a POST to `act/<name>` carrying the state the agent saw (`expected_state`).
The view validates the form, calls the one service for that step, and re-renders the
console (the `console` partial for htmx). A refusal is shown as a message with the request
as it really is; the notes live outside the swapped part, so nothing typed is lost."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import user_viewer
from cancellations import forms as f
from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from cancellations.selectors import cancellation_get_for_user, console_data
from cancellations.services.closing import (
    cancellation_confirm,
    cancellation_insist,
    cancellation_reconsider,
    cancellation_requote,
    cancellation_resume,
    cancellation_schedule_callback,
    cancellation_withdraw,
)
from cancellations.services.handling import (
    cancellation_notes_save,
    cancellation_request_manager,
    cancellation_tag_customer_type,
)
from cancellations.services.offers import (
    offer_accept,
    offer_approval_withdraw,
    offer_approve,
    offer_decline,
    offer_deny,
    offer_present,
)
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from core.errors import RequestAlreadyOpen, ServiceError
from core.http import local_redirect
from core.screens import screen_draw, screen_draw_kept, screen_handed_away, screen_poll
from core.steps import Action, step, step_run
from core.updates import CATALOG_KEY, UpdateCheck, customer_key, update_key

ACTIONS: dict[str, Action] = {
    "identify_reason": step(
        f.ReasonForm,
        cancellation_identify_reason,
        reason_id="reason",
        note="note",
        competitor_name="competitor_name",
        competitor_offer="competitor_offer",
    ),
    "present_offer": step(f.OfferForm, offer_present, offer_id="offer"),
    "accept_offer": step(f.AcceptForm, offer_accept, new_address="new_address"),
    "decline_offer": step(f.NoteForm, offer_decline, note="note"),
    "approve_offer": step(f.NoteForm, offer_approve, note="note"),
    "deny_offer": step(f.NoteForm, offer_deny, note="note"),
    "withdraw_approval_request": step(f.NoteForm, offer_approval_withdraw),
    "insist_on_cancelling": step(
        f.InsistForm, cancellation_insist, effective_date="effective_date", note="note"
    ),
    "requote": step(f.RequoteForm, cancellation_requote, effective_date="effective_date"),
    "reconsider": step(f.NoteForm, cancellation_reconsider, note="note"),
    "confirm_cancellation": step(
        f.ConfirmForm, cancellation_confirm, pickup_date="pickup_date", note="note"
    ),
    "schedule_callback": step(
        f.CallbackForm, cancellation_schedule_callback, callback_at="callback_at", note="note"
    ),
    "resume": step(f.NoteForm, cancellation_resume),
    "withdraw": step(f.NoteForm, cancellation_withdraw, note="note"),
    "request_manager": step(f.NoteForm, cancellation_request_manager, note="note"),
    "tag_customer_type": step(
        f.CustomerTypeForm,
        cancellation_tag_customer_type,
        stateful=False,
        customer_type_id="customer_type",
    ),
}


SCREEN = "cancellations/console.html#console-screen"


def _check(pk) -> UpdateCheck:
    """What the console shows besides the request: its customer's calls and contracts, and
    the catalog's offers and scripts. Read before the request is (`core.updates`)."""
    return UpdateCheck(update_key(CancellationRequest, pk), CATALOG_KEY)


def _screen(request, obj, check: UpdateCheck, *, failed: str = "") -> dict:
    """The console's screen for a page, kept (`core.screens`) when asked for (a GET):
    drawn after a step, so the answer to a step is always read after it. The poll always
    draws it: its content hash is what catches a change that moved no version."""

    def build() -> dict:
        return {**console_data(request=obj, user=request.user), "failed": failed}

    if failed or request.method != "GET":
        return screen_draw(request, SCREEN, build(), prefix=f"{obj.state}|")
    return screen_draw_kept(
        request,
        SCREEN,
        build,
        check=check,
        viewer=user_viewer(request.user),
        prefix=f"{obj.state}|",
    )


def _render_console(request, pk, *, status: int = 200, failed: str = ""):
    """`failed`: the step just refused, whose field then has the focus (to add the note)."""
    check = _check(pk)
    obj = cancellation_get_for_user(user=request.user, pk=pk)
    check.read(customer_key(obj.customer_id))
    context = {
        **_screen(request, obj, check, failed=failed),
        "req": obj,
        "check": check.token(request, reverse("console_poll", args=[pk])),
    }
    template = (
        "cancellations/console.html#console" if request.htmx else "cancellations/console.html"
    )
    return render(request, template, context, status=status)


@require_GET
def console(request, pk):
    return _render_console(request, pk)


@require_GET
def console_poll(request, pk):
    """Polled every 2 s: nothing (204) while the console on screen is still true, else the
    fresh console, so an approval appears while the customer holds, without a reload.
    Reached only when the poll's update check did not hold (`core.updates`)."""
    check = _check(pk)
    try:
        obj = cancellation_get_for_user(user=request.user, pk=pk)
    except PermissionDenied:
        handed = CancellationRequest.objects.select_related("agent").filter(pk=pk).first()
        if handed is None or not request.user.has_perm("customers.handle_calls"):
            raise
        return screen_handed_away(request, handed)
    seen = request.GET.get("seen", "")
    if seen and seen.split("|")[0] != obj.state:
        messages.info(
            request,
            _("The request moved on: it is now at “%(state)s”.")
            % {"state": RequestState(obj.state).label},
        )
    check.read(customer_key(obj.customer_id))
    return screen_poll(
        request,
        screen=SCREEN,
        frame="cancellations/console.html#console",
        context={
            **console_data(request=obj, user=request.user),
            "check": check.token(request, request.path),
        },
        target="#console",
        prefix=f"{obj.state}|",
    )


@require_POST
def console_act(request, pk, name):
    cancellation_get_for_user(user=request.user, pk=pk)  # 404 / 403 before anything else
    done = step_run(request, ACTIONS, name, pk)
    if request.htmx:
        return _render_console(request, pk, failed="" if done else name)
    return redirect("console", pk=pk)


@require_POST
def notes_save(request, pk):
    form = f.NotesForm(request.POST)
    obj = cancellation_get_for_user(user=request.user, pk=pk)
    saved, problem = False, ""
    if form.is_valid():
        try:
            cancellation_notes_save(
                request_id=obj.pk, user=request.user, notes=form.cleaned_data["notes"]
            )
            saved = True
        except ServiceError as refused:
            problem = refused.message
    else:
        problem = _("The notes are too long.")
    context = {"saved": saved, "problem": problem}
    if request.htmx:
        return render(request, "cancellations/console.html#notes-status", context)
    if problem:
        messages.error(request, problem)
    return redirect("console", pk=pk)


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@require_POST
def cancellation_start(request, contract_pk):
    _require(request, "customers.handle_calls")
    try:
        opened = cancellation_open(contract_id=contract_pk, user=request.user)
    except RequestAlreadyOpen as already:
        messages.info(request, already.message)
        return redirect("console", pk=already.request_id)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return local_redirect(request, request.POST.get("back"), fallback="search")
    return redirect("console", pk=opened.pk)
