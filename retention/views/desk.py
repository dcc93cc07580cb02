"""The agent's desk: home, search as you type, the telephony screen-pop, the customer view."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from retention.errors import RequestAlreadyOpen, ServiceError
from retention.http import local_redirect
from retention.selectors import (
    coaching_notes_for,
    customer_get_for_user,
    customer_overview,
    customer_search,
    home_summary,
)
from retention.services.cancellations import cancellation_open


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@require_GET
def home(request):
    summary = home_summary() if request.user.has_perm("retention.view_customer") else None
    notes = coaching_notes_for(user=request.user)
    return render(request, "retention/home.html", {"summary": summary, "coaching": notes})


@require_GET
def search(request):
    _require(request, "retention.view_customer")
    query = request.GET.get("q", "")
    result = customer_search(query=query)
    context = {"query": query, "result": result}
    if request.htmx:
        return render(request, "retention/search.html#results", context)
    return render(request, "retention/search.html", context)


@require_GET
def lookup(request):
    """Telephony screen-pop: one match opens the customer, several open the search."""
    _require(request, "retention.view_customer")
    phone = request.GET.get("phone", "")
    result = customer_search(query=phone)
    if result.kind == "phone" and len(result.customers) == 1:
        return redirect("customer", pk=result.customers[0].pk)
    return redirect(f"{reverse('search')}?{urlencode({'q': phone})}")


@require_GET
def customer(request, pk):
    found = customer_get_for_user(user=request.user, pk=pk)
    context = {"customer": found, **customer_overview(customer=found)}
    context["show_pii"] = request.user.has_perm("retention.view_customer_pii")
    return render(request, "retention/customer.html", context)


@require_POST
def cancellation_start(request, contract_pk):
    _require(request, "retention.handle_calls")
    try:
        opened = cancellation_open(contract_id=contract_pk, user=request.user)
    except RequestAlreadyOpen as already:
        messages.info(request, already.message)
        return redirect("console", pk=already.request_id)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return local_redirect(request, request.POST.get("back"), fallback="search")
    return redirect("console", pk=opened.pk)
