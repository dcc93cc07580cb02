"""What happened on a win-back call: won back, declined, or not reached (which may close
the case as unreachable)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls.selectors import call_task_for_user_or_404
from core.errors import ServiceError
from winback.services.winback import win_back_declined, win_back_outcome_log, win_back_won


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # an id that exists nowhere: the service refuses it with a message


@require_POST
def call_win_back(request, pk):
    call_task_for_user_or_404(user=request.user, pk=pk)
    reason_id = _int_or_none(request.POST.get("diagnosed_reason"))
    diagnosis = request.POST.get("diagnosis", "")[:5000]
    try:
        if request.POST.get("result") == "won":
            contract = win_back_won(
                call_task_id=pk,
                user=request.user,
                product_id=_int_or_none(request.POST.get("product")),
                offer_id=_int_or_none(request.POST.get("offer")),
                diagnosed_reason_id=reason_id,
                diagnosis=diagnosis,
            )
            messages.success(
                request, _("Won back: contract %(number)s.") % {"number": contract.number}
            )
        else:
            win_back_declined(
                call_task_id=pk,
                user=request.user,
                diagnosed_reason_id=reason_id,
                diagnosis=diagnosis,
            )
            messages.success(request, _("Recorded. Thank you for the call."))
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("call", pk=pk)
    return redirect("my_calls")


@require_POST
def call_win_back_outcome(request, pk):
    call_task_for_user_or_404(user=request.user, pk=pk)
    try:
        win_back_outcome_log(
            call_task_id=pk,
            user=request.user,
            outcome=request.POST.get("outcome", ""),
            result=request.POST.get("result", "")[:5000],
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("call", pk=pk)
    messages.success(request, _("Outcome saved."))
    return redirect("my_calls")
