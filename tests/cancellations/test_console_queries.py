"""Every console page and partial runs a bounded number of queries, the same with 10 or 1,000
customers (and the history that comes with them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cancellations.models import CancellationRequest
from cancellations.services.closing import cancellation_withdraw
from cancellations.services.offers import offer_decline, offer_present
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from demo.book import demo_seed

pytestmark = pytest.mark.django_db
LIMIT = 15


@pytest.fixture(params=[10, 1000], ids=["10-customers", "1000-customers"])
def book(request, agent, reason, visit_offer, fee_offer, costly_offer):
    """A book of `n` demo customers, with earlier calls handled on some of them."""
    demo_seed(customers=request.param, today=timezone.localdate())
    from customers.models import Contract

    contracts = list(
        Contract.objects.filter(status="active").order_by("pk")[: max(request.param // 20, 1)]
    )
    for contract in contracts:
        opened = cancellation_open(contract_id=contract.pk, user=agent)
        cancellation_identify_reason(
            request_id=opened.pk, user=agent, reason_id=reason("fee_burden").pk
        )
        offer_present(request_id=opened.pk, user=agent, offer_id=visit_offer.pk)
        offer_decline(request_id=opened.pk, user=agent)
        cancellation_withdraw(request_id=opened.pk, user=agent)
    return request.param


def _queries(client, method, url, data=None) -> list[dict]:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, HTTP_HX_REQUEST="true")
    assert response.status_code in (200, 204, 302), (url, response.status_code)
    return queries.captured_queries


def _count(client, method, url, data=None) -> int:
    return len(_queries(client, method, url, data))


def _console_urls(request_pk: int) -> list[tuple[str, str, str, dict]]:
    return [
        ("console", "get", reverse("console", args=[request_pk]), {}),
        ("poll", "get", reverse("console_poll", args=[request_pk]), {"seen": "stale"}),
        ("notes", "post", reverse("console_notes", args=[request_pk]), {"notes": "typing"}),
    ]


def _in_branch(agent, reason, contract_pk):
    opened = cancellation_open(contract_id=contract_pk, user=agent)
    return cancellation_identify_reason(
        request_id=opened.pk, user=agent, reason_id=reason("fee_burden").pk
    )


CONSOLE_PAGE = 8  # session, user, request, presentations, the call's facts (3), history
CATALOG_LOAD, ACCESS_LOAD = 6, 2  # catalog.live, accounts.access: once per version


def test_console_in_a_branch_with_ranked_offers(client_as_agent, agent, reason, contract, book):
    request = _in_branch(agent, reason, contract.pk)
    # The first page after a catalog change or a restart loads the live catalog and the
    # agent's access (catalog.live, accounts.access); every page after reads them kept.
    first = _queries(client_as_agent, "get", reverse("console", args=[request.pk]))
    counts = {
        name: _count(client_as_agent, m, url, d) for name, m, url, d in _console_urls(request.pk)
    }
    assert len(first) <= CONSOLE_PAGE + CATALOG_LOAD + ACCESS_LOAD, [q["sql"][:90] for q in first]
    assert counts["console"] <= CONSOLE_PAGE, counts
    assert max(counts.values()) <= LIMIT, counts
    test_console_in_a_branch_with_ranked_offers.counts[book] = counts


test_console_in_a_branch_with_ranked_offers.counts = {}


def test_console_step_posts(client_as_agent, agent, reason, contract, fee_offer, book):
    request = cancellation_open(contract_id=contract.pk, user=agent)
    act = lambda name, data: _count(  # noqa: E731
        client_as_agent,
        "post",
        reverse("console_act", args=[request.pk, name]),
        {"expected_state": CancellationRequest.objects.get(pk=request.pk).state, **data},
    )
    counts = {
        "identify_reason": act("identify_reason", {"reason": reason("fee_burden").pk}),
        "present_offer": act("present_offer", {"offer": fee_offer.pk}),
        "decline_offer": act("decline_offer", {}),
        "insist": act("insist_on_cancelling", {}),
    }
    # Steps write: locking, the transition, audit, presentation rows, then the fresh console.
    assert max(counts.values()) <= 2 * LIMIT, counts
    test_console_step_posts.counts[book] = counts


test_console_step_posts.counts = {}


def test_search_customer_view_and_approvals(
    client_as_supervisor, agent, supervisor, reason, contract, costly_offer, book
):
    request = cancellation_open(contract_id=contract.pk, user=agent)
    cancellation_identify_reason(
        request_id=request.pk,
        user=agent,
        reason_id=reason("competitor_cheaper").pk,
        competitor_name="Rival",
    )
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    urls = [
        ("search-name", "get", reverse("search"), {"q": "김"}),
        ("search-phone", "get", reverse("search"), {"q": "010-1234-5678"}),
        ("search-number", "get", reverse("search"), {"q": contract.number}),
        ("customer", "get", reverse("customer", args=[contract.customer_id]), {}),
        ("approvals", "get", reverse("approvals"), {}),
        ("home", "get", reverse("home"), {}),
    ]
    counts = {name: _count(client_as_supervisor, m, url, d) for name, m, url, d in urls}
    assert max(counts.values()) <= LIMIT, counts
    test_search_customer_view_and_approvals.counts[book] = counts


test_search_customer_view_and_approvals.counts = {}


@pytest.mark.parametrize(
    "test",
    [
        test_console_in_a_branch_with_ranked_offers,
        test_console_step_posts,
        test_search_customer_view_and_approvals,
    ],
    ids=["console", "steps", "search-customer-approvals"],
)
def test_query_counts_do_not_grow_with_the_data(test):
    """Runs after the sized tests above (same module, declared later)."""
    assert set(test.counts) == {10, 1000}, "the sized tests must run first"
    assert test.counts[10] == test.counts[1000]
