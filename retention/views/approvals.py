"""The supervisors' queue: offers above an agent's authority (customers on hold),
escalated claims waiting for an instruction, overdue claims, compensations to approve."""

import hashlib

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from claims.selectors import supervisor_queue_claims
from retention.errors import Conflict, ServiceError
from retention.forms import NoteForm
from retention.permissions import supervisor_required
from retention.selectors import approvals_pending, desk_agents, manager_requests
from retention.services.cancellations import cancellation_hand_over, offer_approve, offer_deny


def _queue(user) -> dict:
    context = {
        "pending": approvals_pending(user=user),
        "manager_requests": manager_requests(user=user),
        "agents": desk_agents(),
        **supervisor_queue_claims(user=user),
    }
    keys = [
        [r.pk for r in context["pending"]],
        [r.pk for r in context["manager_requests"]],
        [c.pk for c in context["manager_claims"]],
        [c.pk for c in context["escalated"]],
        [(c.pk, c.flag_reason) for c in context["overdue_claims"]],
        [c.pk for c in context["compensations"]],
    ]
    context["version"] = hashlib.sha1(repr(keys).encode()).hexdigest()[:16]
    context["now"] = timezone.now()
    return context


@require_GET
@supervisor_required
def approvals(request):
    context = _queue(request.user)
    if request.htmx:
        if request.GET.get("seen") == context["version"]:
            return HttpResponse(status=204)  # nothing new: keep what the supervisor is typing
        return render(request, "retention/approvals.html#queue", context)
    return render(request, "retention/approvals.html", context)


@require_POST
@supervisor_required
def approval_decide(request, pk, decision):
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    seen = request.POST.get("expected_state") or None
    try:
        if decision == "approve":
            offer_approve(request_id=pk, user=request.user, note=note, expected_state=seen)
        else:
            offer_deny(request_id=pk, user=request.user, note=note, expected_state=seen)
    except Conflict as conflict:
        messages.warning(request, conflict.message)
    except ServiceError as refused:
        messages.error(request, refused.message)
    if request.htmx:
        return render(request, "retention/approvals.html#queue", _queue(request.user))
    return redirect("approvals")


@require_POST
@supervisor_required
def request_hand_over(request, pk):
    """Take the call over, or give it to the agent chosen."""
    try:
        cancellation_hand_over(
            request_id=pk, user=request.user, new_agent_id=_handover_target(request)
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("approvals")


def _handover_target(request):
    """None takes the call over; "give" needs an agent chosen (else a clear refusal)."""
    if request.POST.get("take"):
        return None
    return request.POST.get("agent") or "none"
