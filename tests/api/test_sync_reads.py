"""Reading the book back incrementally: everything changed after a moment, in the order it
changed, page by page, each record once even when thousands share one timestamp, with a
bounded number of queries per page whatever the size of the book."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import Contract
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _all_pages(client, url):
    seen, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["number"] for item in body["items"]]
        url, pages = body["next"], pages + 1
    return seen, pages


def test_pages_give_every_record_once_even_with_one_timestamp_for_all(api):
    contracts = [ContractFactory() for _ in range(25)]
    same = timezone.now()
    Contract.objects.update(updated_at=same)  # a bulk write: one instant for all
    seen, pages = _all_pages(api("read"), "/api/v1/contracts?limit=10")
    assert pages == 3
    assert sorted(seen) == sorted(c.number for c in contracts)
    assert len(seen) == len(set(seen))


def test_updated_after_gives_only_what_changed_since(api):
    old, new = ContractFactory(), ContractFactory()
    now = timezone.now()
    Contract.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=2))
    Contract.objects.filter(pk=new.pk).update(updated_at=now)
    since = (now - timedelta(days=1)).isoformat()
    seen, _pages = _all_pages(
        api("read"), f"/api/v1/contracts?updated_after={since.replace('+', '%2B')}"
    )
    assert seen == [new.number]


@pytest.mark.parametrize(
    "query",
    [
        "updated_after=yesterday",
        "updated_after=2026-12-01T00:00:00",
        "cursor=bm9wZQ",
        "limit=x",
        "limit=0",
        "limit=1001",
        "limit=-5",
    ],
)
def test_a_bad_filter_or_cursor_is_a_400_naming_it(api, query):
    response = api("read").get(f"/api/v1/contracts?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


@pytest.mark.parametrize("rows", [3, 30])
def test_a_page_costs_the_same_queries_whatever_the_book(api, rows, django_assert_max_num_queries):
    for _ in range(rows):
        ContractFactory()
    client = api("read")
    with django_assert_max_num_queries(3):  # the key, the page (contract, customer, product)
        assert client.get("/api/v1/contracts?limit=100").status_code == 200


def test_cancellations_read_back_with_their_outcome(api, cancellation_world):
    body = api("read").get("/api/v1/cancellations").json()
    states = {item["contract_number"]: item["state"] for item in body["items"]}
    assert states == cancellation_world
