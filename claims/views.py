"""The claim console, the agent's claim list, and the supervisors' claim decisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.access import user_viewer
from claims import forms as f
from claims.models import Claim
from claims.selectors import claim_console_data, claim_get_for_user, claims_for_agent
from claims.services.compensation import compensation_decide as compensation_decide_service
from claims.services.compensation import compensation_propose
from claims.services.handling import (
    claim_notes_save,
    claim_request_manager,
    claim_tag_customer_type,
)
from claims.services.opening import claim_open as claim_open_service
from claims.services.post_handling import claim_set_deadline
from claims.services.steps import (
    claim_apologize,
    claim_close,
    claim_escalate,
    claim_execute,
    claim_identify_cause,
    claim_listen,
    claim_plan,
    claim_present,
    claim_revise,
)
from claims.services.steps import claim_instruct as claim_instruct_service
from core.errors import ServiceError
from core.permissions import supervisor_required
from core.screens import screen_draw, screen_draw_kept, screen_handed_away, screen_poll
from core.steps import Action, form_errors, step, step_run
from core.updates import CATALOG_KEY, UpdateCheck, customer_key, update_key

ACTIONS: dict[str, Action] = {
    "apologize": step(f.EmptyForm, claim_apologize),
    "listen": step(f.TextForm, claim_listen, account="text"),
    "identify_cause": step(
        f.CauseForm, claim_identify_cause, root_cause="root_cause", description="text"
    ),
    "plan_countermeasure": step(f.TextForm, claim_plan, plan="text"),
    "escalate": step(f.TextForm, claim_escalate, note="text"),
    "instruct": step(f.TextForm, claim_instruct_service, instruction="text"),
    "present_solution": step(f.ResponseForm, claim_present, response="response", note="text"),
    "revise_countermeasure": step(f.TextForm, claim_revise, plan="text"),
    "execute": step(f.TextForm, claim_execute, what_was_done="text"),
    "close": step(f.CloseForm, claim_close, recovery_outcome="recovery_outcome", thanked="thanked"),
    "request_manager": step(f.EmptyForm, claim_request_manager),
    "set_deadline": step(f.DeadlineForm, claim_set_deadline, stateful=False, deadline="deadline"),
    "compensate": step(
        f.CompensationForm,
        compensation_propose,
        stateful=False,
        form="form",
        amount="amount",
        description="description",
        submission="submission",
    ),
    "tag_customer_type": step(
        f.CustomerTypeForm,
        claim_tag_customer_type,
        stateful=False,
        customer_type_id="customer_type",
    ),
}


SCREEN = "claims/console.html#console-screen"


def _check(pk) -> UpdateCheck:
    """What the claim console shows besides the claim: its customer's calls and contracts,
    the catalog's playbook. Read before the claim is (`core.updates`)."""
    return UpdateCheck(update_key(Claim, pk), CATALOG_KEY)


def _render(request, claim, *, check: UpdateCheck, partial: bool, failed: str = ""):
    """The page, its screen kept (`core.screens`) when asked for (a GET): drawn after a
    step, so the answer to a step is always read after it; the poll always draws it (its
    content hash catches a change that moved no version)."""
    check.read(customer_key(claim.customer_id))

    def build() -> dict:
        return {**claim_console_data(claim=claim, user=request.user), "failed": failed}

    if failed or request.method != "GET":
        drawn = screen_draw(request, SCREEN, build())
    else:
        drawn = screen_draw_kept(
            request, SCREEN, build, check=check, viewer=user_viewer(request.user)
        )
    context = {
        **drawn,
        "claim": claim,
        "check": check.token(request, reverse("claim_poll", args=[claim.pk])),
    }
    template = "claims/console.html#console" if partial else "claims/console.html"
    return render(request, template, context)


@require_GET
def claim_list(request):
    return render(request, "claims/list.html", claims_for_agent(user=request.user))


@require_POST
def claim_open(request, customer_pk):
    if not request.user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    form = f.ClaimOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("customer", pk=customer_pk)
    try:
        claim = claim_open_service(
            customer_id=customer_pk,
            user=request.user,
            subject=form.cleaned_data["subject"],
            contract_id=form.cleaned_data["contract"],
            submission=form.cleaned_data["submission"],
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("customer", pk=customer_pk)
    return redirect("claim_console", pk=claim.pk)


@require_GET
def claim_console(request, pk):
    check = _check(pk)
    claim = claim_get_for_user(user=request.user, pk=pk)
    return _render(request, claim, check=check, partial=bool(request.htmx))


@require_GET
def claim_poll(request, pk):
    """Reached only when the poll's update check did not hold (`core.updates`)."""
    check = _check(pk)
    try:
        claim = claim_get_for_user(user=request.user, pk=pk)
    except PermissionDenied:
        handed = Claim.objects.select_related("agent").filter(pk=pk).first()
        if handed is None or not request.user.has_perm("customers.handle_calls"):
            raise
        return screen_handed_away(request, handed)
    return screen_poll(
        request,
        screen=SCREEN,
        frame="claims/console.html#console",
        context={
            **claim_console_data(claim=claim, user=request.user),
            "check": check.read(customer_key(claim.customer_id)).token(request, request.path),
        },
        target="#console",
    )


@require_POST
def claim_act(request, pk, name):
    claim_get_for_user(user=request.user, pk=pk)
    done = step_run(request, ACTIONS, name, pk, subject="claim_id")
    if request.htmx:
        check = _check(pk)
        claim = claim_get_for_user(user=request.user, pk=pk)
        return _render(request, claim, check=check, partial=True, failed="" if done else name)
    return redirect("claim_console", pk=pk)


@require_POST
def claim_notes(request, pk):
    claim = claim_get_for_user(user=request.user, pk=pk)
    saved, problem = False, ""
    try:
        claim_notes_save(
            claim_id=claim.pk, user=request.user, notes=request.POST.get("notes", "")[:20000]
        )
        saved = True
    except ServiceError as refused:
        problem = refused.message
    return render(
        request, "cancellations/console.html#notes-status", {"saved": saved, "problem": problem}
    )


@require_POST
@supervisor_required
def compensation_decide(request, pk, decision):
    form = f.DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        compensation_decide_service(
            compensation_id=pk, user=request.user, approve=decision == "approve", note=note
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("approvals")


@require_POST
def claim_instruct(request, pk):
    """From the supervisors' queue: answer an escalation in one action."""
    if not request.user.has_perm("claims.instruct_claims"):
        raise PermissionDenied
    try:
        claim_instruct_service(
            claim_id=pk,
            user=request.user,
            instruction=request.POST.get("instruction", "")[:5000],
            expected_state="escalated",
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("approvals")
