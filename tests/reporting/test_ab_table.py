"""The A/B dashboard table: the arms compared, a difference called significant only when it
is, an acceptance counted only when the customer stayed, and its CSV."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from reporting.analytics.filters import Filters
from reporting.analytics.save_rate import ab_tests
from reporting.models import RequestFact
from tests.factories import ContractFactory, OfferFactory

pytestmark = pytest.mark.django_db

# ---- the A/B dashboard table ----------------------------------------------------------------


@pytest.fixture
def arms(db):
    original = OfferFactory(code="AB-ORIG", name_en="Visit")
    variant = OfferFactory(
        code="AB-VAR", name_en="Visit and gift", variant_of=original, traffic_share=50
    )
    OfferFactory(code="NOT-A-TEST")
    return original, variant


def _present(offer, *, saved, lost, agent, net=1000):
    """Facts of `saved` calls where the offer was accepted and the customer stayed, and
    `lost` calls where it was declined and they left. A save kept `net` + 1,000 KRW of fees
    (one month left) and its offer cost 1,000: net value `net`."""
    contract = ContractFactory()
    requests = CancellationRequest.objects.bulk_create(
        CancellationRequest(
            contract=contract,
            customer=contract.customer,
            agent=agent,
            state=RequestState.RETAINED if n < saved else RequestState.CANCELLED,
        )
        for n in range(saved + lost)
    )
    now = timezone.now()
    RequestFact.objects.bulk_create(
        RequestFact(
            request=request,
            closed_at=now,
            closed_on=timezone.localdate(now),
            is_retained=n < saved,
            contract_id=contract.pk,
            customer_id=contract.customer_id,
            agent_id=agent.pk,
            reason_category="dissatisfaction",
            product_id=contract.product_id,
            product_category=contract.product.category,
            value_tier="standard",
            branch="dissatisfied",
            path=f"dissatisfied|{offer.code}:{'+' if n < saved else '-'}",
            offers_presented=1,
            offer_code=offer.code if n < saved else "",
            offer_cost=1000 if n < saved else 0,
            monthly_fee=net + 1000,
            months_left=1,
            seconds_total=60,
        )
        for n, request in enumerate(requests)
    )


def _rows():
    return {row["key"]: row for row in ab_tests(Filters.from_query({}))}


def test_ab_table_compares_the_arms_and_finds_a_big_difference_significant(arms, agent):
    original, variant = arms
    _present(original, saved=100, lost=300, agent=agent)
    _present(variant, saved=200, lost=200, agent=agent, net=2000)
    rows = ab_tests(Filters.from_query({}))
    assert [(r["key"], r["test"], str(r["arm"])) for r in rows] == [
        ("AB-ORIG", "AB-ORIG", "original"),
        ("AB-VAR", "AB-ORIG", "variant"),
    ]
    first, second = rows
    assert (first["presented"], first["saved"], first["rate"], first["net"]) == (
        400,
        100,
        0.25,
        100 * 1000,
    )
    assert first["p_value"] is None and first["verdict"] == ""
    assert (second["presented"], second["saved"], second["rate"], second["net"]) == (
        400,
        200,
        0.5,
        200 * 2000,
    )
    assert second["p_value"] < 0.001
    assert str(second["verdict"]) == "significant (95%)"
    assert first["label"] == "Visit" and second["label"] == "Visit and gift"


def test_ab_table_calls_a_small_difference_not_significant_yet(arms, agent):
    original, variant = arms
    _present(original, saved=5, lost=5, agent=agent)
    _present(variant, saved=6, lost=4, agent=agent)
    row = _rows()["AB-VAR"]
    assert (row["presented"], row["saved"]) == (10, 6)
    assert row["p_value"] > 0.05
    assert str(row["verdict"]) == "not significant yet"


def test_ab_table_with_no_calls_says_too_few(arms):
    rows = _rows()
    assert set(rows) == {"AB-ORIG", "AB-VAR"}
    assert (rows["AB-VAR"]["presented"], rows["AB-VAR"]["saved"]) == (0, 0)
    assert rows["AB-VAR"]["rate"] is None
    assert rows["AB-VAR"]["p_value"] is None
    assert str(rows["AB-VAR"]["verdict"]) == "too few calls"


def test_ab_table_counts_an_acceptance_only_when_the_customer_stayed(arms, agent):
    original, _variant = arms
    _present(original, saved=3, lost=0, agent=agent)
    # The customer accepted, then left anyway: no longer a save.
    RequestFact.objects.update(is_retained=False)
    row = _rows()["AB-ORIG"]
    assert (row["presented"], row["saved"], row["net"]) == (3, 0, 0)


def test_ab_table_is_empty_without_tests(db):
    OfferFactory(code="PLAIN")
    assert ab_tests(Filters.from_query({})) == []


def test_ab_table_as_csv(client_as_supervisor, arms, agent):
    original, variant = arms
    _present(original, saved=100, lost=300, agent=agent)
    _present(variant, saved=200, lost=200, agent=agent)
    response = client_as_supervisor.get(reverse("dashboard_csv", args=["ab-tests"]))
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert header[0].lstrip("\ufeff") == "Test"
    assert [row[:6] for row in rows] == [
        ["AB-ORIG", "Visit", "original", "400", "100", "0.2500"],
        ["AB-ORIG", "Visit and gift", "variant", "400", "200", "0.5000"],
    ]
    assert rows[0][7] == ""
    assert float(rows[1][7]) < 0.05
    assert rows[1][8] == "significant (95%)"
