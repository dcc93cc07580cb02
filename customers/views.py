"""The agent's desk: home, search as you type, the telephony screen-pop, the customer view."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from customers.selectors import customer_get_for_user, customer_overview, customer_search


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@require_GET
def search(request):
    _require(request, "customers.view_customer")
    query = request.GET.get("q", "")
    result = customer_search(query=query)
    context = {"query": query, "result": result}
    if request.htmx:
        return render(request, "customers/search.html#results", context)
    return render(request, "customers/search.html", context)


@require_GET
def lookup(request):
    """Telephony screen-pop: one match opens the customer, several open the search."""
    _require(request, "customers.view_customer")
    phone = request.GET.get("phone", "")
    result = customer_search(query=phone)
    if result.kind == "phone" and len(result.customers) == 1:
        return redirect("customer", pk=result.customers[0].pk)
    return redirect(f"{reverse('search')}?{urlencode({'q': phone})}")


@require_GET
def customer(request, pk):
    found = customer_get_for_user(user=request.user, pk=pk)
    context = {"customer": found, **customer_overview(customer=found)}
    context["show_pii"] = request.user.has_perm("customers.view_customer_pii")
    return render(request, "customers/customer.html", context)
