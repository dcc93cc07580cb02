"""The floor view for supervisors: who is on which call, what is waiting, today so far."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from retention.selectors import floor_overview


@require_GET
def floor(request):
    context = floor_overview(user=request.user)
    if request.htmx:
        return render(request, "retention/floor.html#board", context)
    return render(request, "retention/floor.html", context)
