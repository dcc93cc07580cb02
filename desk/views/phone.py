"""The screen pop: an agent's desk asks every second whether the telephone system put a
call through to them (one cache read; 204 while nothing is waiting); when it did, the caller
appears on whatever screen they are on, one key from the customer's page."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from calls.services.phone import phone_pop_take


@require_GET
def phone_pop(request):
    if not request.user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    call = phone_pop_take(agent_id=request.user.pk)
    if call is None:
        return HttpResponse(status=204)
    return render(request, "desk/phone_pop.html", {"call": call})
