"""The screen pop: an agent's desk asks every second whether the telephone system put a
call through to them (one cache read; 204 while nothing is waiting); when it did, the caller
appears on whatever screen they are on, one key from the customer's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from calls.services.phone import phone_dial_request, phone_pop_take
from core.errors import ServiceError
from core.http import local_redirect


@require_GET
def phone_pop(request):
    if not request.user.has_perm("customers.handle_calls"):
        raise PermissionDenied
    call = phone_pop_take(agent_id=request.user.pk)
    if call is None:
        return HttpResponse(status=204)
    return render(request, "desk/phone_pop.html", {"call": call})


@require_POST
def phone_dial(request, customer_id: int):
    """Click to dial, from the customer's page or a call taken in "my calls"."""
    task = request.POST.get("call_task") or None
    try:
        phone_dial_request(
            user=request.user,
            customer_id=customer_id,
            call_task_id=(int(task) if task.isdigit() else 0) if task else None,
        )
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your phone rings first; then the customer's."))
    return local_redirect(request, request.POST.get("next"), fallback="my_calls")
