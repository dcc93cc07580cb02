"""My calls: planned calls due now, today and later; take one, make it, log what happened."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from calls.selectors import call_screen_data, call_task_for_user_or_404, call_tasks_for_user
from calls.services.calls import call_task_claim, call_task_log_outcome
from core.errors import ServiceError
from core.screens import screen_page


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # an id that exists nowhere: the service refuses it with a message


@require_GET
def my_calls(request):
    context = call_tasks_for_user(user=request.user)
    return screen_page(request, page="calls/calls.html", name="my-calls", context=context)


@require_GET
def call_screen(request, pk):
    task = call_task_for_user_or_404(user=request.user, pk=pk)
    return render(request, "calls/call.html", call_screen_data(task=task, user=request.user))


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
    call_task_for_user_or_404(user=request.user, pk=pk)
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
