"""My calls: planned calls due now, today and later; take one, log what happened. (The
screen for making a call is the desk's: a win-back call shows the win-back's part too.)"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from calls.choices import CallTaskKind
from calls.selectors import call_task_for_user_or_404, call_tasks_for_user
from calls.services.taking import call_task_claim, call_task_log_outcome
from core.errors import ServiceError
from core.screens import screen_page


@require_GET
def my_calls(request):
    context = call_tasks_for_user(user=request.user)
    return screen_page(request, page="calls/calls.html", name="my-calls", context=context)


@require_POST
def call_take(request, pk):
    call_task_for_user_or_404(user=request.user, pk=pk)
    try:
        call_task_claim(call_task_id=pk, user=request.user, early=request.POST.get("early") == "1")
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("my_calls")
    return redirect("call", pk=pk)


@require_POST
def call_outcome(request, pk):
    task = call_task_for_user_or_404(user=request.user, pk=pk)
    if task.kind == CallTaskKind.WIN_BACK:  # it closes the win-back case too: its own service
        messages.error(request, _("Log a win-back call's outcome on its own form."))
        return redirect("call", pk=pk)
    try:
        call_task_log_outcome(
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
