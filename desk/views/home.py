"""The agent's home page, and opening a cancellation from a claim (the claim and the
cancellation are sibling workflows: the desk above both connects them)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from claims.selectors import claim_get_for_user
from core.errors import RequestAlreadyOpen, ServiceError
from desk.selectors import coaching_notes_for, home_summary
from desk.services.supervision import claim_start_cancellation


@require_GET
def home(request):
    summary = home_summary() if request.user.has_perm("customers.view_customer") else None
    notes = coaching_notes_for(user=request.user)
    return render(request, "desk/home.html", {"summary": summary, "coaching": notes})


@require_POST
def claim_cancellation(request, pk):
    claim_get_for_user(user=request.user, pk=pk)
    try:
        opened = claim_start_cancellation(claim_id=pk, user=request.user)
    except RequestAlreadyOpen as already:
        messages.info(request, already.message)
        return redirect("console", pk=already.request_id)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("claim_console", pk=pk)
    return redirect("console", pk=opened.pk)
