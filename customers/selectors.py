"""Reads for the screens: permission-aware, with a fixed number of queries per page."""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404

from customers.choices import ContractStatus
from customers.models import Contract, Customer
from customers.phones import phone_normalize

SEARCH_LIMIT = 20


_PHONE_LIKE = re.compile(r"^[\d\s+\-().]+$")


_NUMBER_LIKE = re.compile(r"^[A-Za-z]{1,3}\d[\w-]*$")


@dataclass
class SearchResult:
    kind: str  # empty | phone | phone_incomplete | number | name
    customers: list[Customer]


def _with_open_contracts(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "contracts",
            queryset=Contract.objects.filter(
                status__in=[ContractStatus.ACTIVE, ContractStatus.SUSPENDED]
            )
            .select_related("product")
            .order_by("start_date"),
            to_attr="open_contracts",
        )
    )


def customer_search(*, query: str) -> SearchResult:
    """One search box for a ringing phone: a phone number in any format, a contract or
    customer number, or the start of a name. Every branch is one indexed lookup."""
    text = (query or "").strip()[:60]
    if not text:
        return SearchResult("empty", [])
    if _PHONE_LIKE.match(text):
        digits = phone_normalize(text)
        if not re.fullmatch(r"0\d{8,10}", digits):
            return SearchResult("phone_incomplete", [])
        customers = Customer.objects.filter(Q(phone=digits) | Q(alt_phone=digits))
        return SearchResult("phone", list(_with_open_contracts(customers)[:SEARCH_LIMIT]))
    if _NUMBER_LIKE.match(text):
        number = text.upper()
        customers = Customer.objects.filter(
            Q(customer_no=number)
            | Q(pk__in=Contract.objects.filter(number=number).values("customer"))
        )
        found = list(_with_open_contracts(customers)[:SEARCH_LIMIT])
        if found:
            return SearchResult("number", found)
    customers = Customer.objects.filter(name__startswith=text).order_by("name", "pk")
    return SearchResult("name", list(_with_open_contracts(customers)[:SEARCH_LIMIT]))


def customer_get_for_user(*, user, pk) -> Customer:
    if not user.has_perm("customers.view_customer"):
        raise PermissionDenied
    try:
        return Customer.objects.get(pk=int(pk))
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def customer_overview(*, customer: Customer) -> dict:
    """Contracts, cancellation requests, claims and calls for the customer view (4 queries;
    read through the customer's relations: the workflows' apps sit above this one)."""
    contracts = list(customer.contracts.select_related("product").order_by("status", "-start_date"))
    requests = list(
        customer.cancellation_requests.select_related("contract", "reason", "agent").order_by(
            "-opened_at"
        )[:50]
    )
    calls = list(customer.call_tasks.select_related("assignee").order_by("-due_at")[:50])
    claims = list(customer.claims.order_by("-received_at")[:50])
    open_by_contract = {r.contract_id: r for r in requests if r.is_open}
    for contract in contracts:
        contract.open_request = open_by_contract.get(contract.pk)
    return {"contracts": contracts, "requests": requests, "calls": calls, "claims": claims}
