"""The supervisors' approval queue: offers above an agent's authority, customers on hold."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from retention.errors import Conflict, ServiceError
from retention.forms import NoteForm
from retention.selectors import approvals_pending
from retention.services.cancellations import offer_approve, offer_deny


@require_GET
def approvals(request):
    context = {"pending": approvals_pending(user=request.user), "now": timezone.now()}
    if request.htmx:
        return render(request, "retention/approvals.html#queue", context)
    return render(request, "retention/approvals.html", context)


@require_POST
def approval_decide(request, pk, decision):
    if not request.user.has_perm("retention.approve_offers"):
        raise PermissionDenied
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
        context = {"pending": approvals_pending(user=request.user), "now": timezone.now()}
        return render(request, "retention/approvals.html#queue", context)
    return redirect("approvals")
