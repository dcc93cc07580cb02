"""The screen for making a planned call: the call itself (calls), and for a win-back or
intensive-care call the win-back's part (winback), assembled here above both."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from calls.selectors import call_screen_data, call_task_for_user_or_404
from winback.selectors import win_back_screen_data


@require_GET
def call_screen(request, pk):
    task = call_task_for_user_or_404(user=request.user, pk=pk)
    context = call_screen_data(task=task, user=request.user)
    if task.win_back_id:
        context.update(win_back_screen_data(task=task))
    return render(request, "calls/call.html", context)
