"""The dashboards' filters: by week, product, agent, product category, value tier and
reason, which filters a tab does not apply, and a filter id too big to look up."""

import pytest
from django.urls import reverse

from reporting.analytics.claims import claims_summary
from reporting.analytics.coaching import coaching_by_agent
from reporting.analytics.filters import Filters
from reporting.analytics.reasons import competitor_breakdown, reason_pareto
from reporting.analytics.satisfaction import satisfaction_by_touchpoint, survey_comments
from reporting.analytics.save_rate import save_rate_by, save_rate_total
from reporting.analytics.winback import win_back_summary
from tests.reporting.dashboard_data import NOW, survey
from tests.reporting.helpers import filters_all

pytestmark = pytest.mark.django_db


# ---- filters ------------------------------------------------------------------------------


def test_save_rate_by_week_product_and_agent(data):
    filters = filters_all()
    assert save_rate_total(filters) == {"retained": 2, "cancelled": 3, "rate": 0.4}
    weeks = [
        (r["label"], r["retained"], r["cancelled"], r["rate"])
        for r in save_rate_by(filters, "week")
    ]
    assert weeks == [("2025-06-09", 1, 1, 0.5), ("2025-06-16", 1, 2, 1 / 3)]
    products = [
        (r["label"], r["retained"], r["cancelled"]) for r in save_rate_by(filters, "product")
    ]
    assert products == [("Purifier One", 2, 1), ("Bidet Two", 0, 2)]
    agents = {r["label"]: r["rate"] for r in save_rate_by(filters, "agent")}
    assert agents == {"Alice Kim": 2 / 3, "Bob Lee": 0.0}


def test_product_category_filter_narrows_every_tab(data):
    bidets = filters_all(product_category="bidet")
    assert save_rate_total(bidets) == {"retained": 0, "cancelled": 2, "rate": 0.0}
    assert [r["label"] for r in save_rate_by(bidets, "product")] == ["Bidet Two"]
    assert claims_summary(bidets)["n"] == 1
    assert win_back_summary(bidets)["departed"] == 1  # December's is older
    a_year = Filters.from_query({"product_category": "bidet"}, default_days=365)
    assert win_back_summary(a_year)["departed"] == 2
    assert [r["label"] for r in reason_pareto(bidets)] == [
        "Product quality or performance",
        "A competitor is cheaper",
    ]
    touchpoints = {r["key"]: r["score"] for r in satisfaction_by_touchpoint(bidets)}
    assert touchpoints == {"cancellation": 2, "claim": 1}  # the bidet call's and claim's
    [bob] = coaching_by_agent(bidets)
    assert (bob["label"], bob["score"], bob["answered"]) == ("Bob Lee", 1.5, 2)
    purifiers = filters_all(product_category="water_purifier")
    touchpoints = {r["key"] for r in satisfaction_by_touchpoint(purifiers)}
    assert touchpoints == {"save", "win_back"}  # a save call and a won-back contract


def test_value_tier_filter_narrows_every_tab(data):
    vip = filters_all(value_tier="vip")
    assert save_rate_total(vip) == {"retained": 1, "cancelled": 0, "rate": 1.0}
    summary = claims_summary(vip)
    assert (summary["n"], summary["compensation"]) == (1, 10000)
    assert win_back_summary(vip)["won"] == 1
    assert [r["key"] for r in satisfaction_by_touchpoint(vip)] == ["win_back"]
    gold = filters_all(value_tier="gold")
    assert save_rate_total(gold) == {"retained": 0, "cancelled": 1, "rate": 0.0}
    assert competitor_breakdown(gold)[0]["key"] == "Rival Rentals"


def test_reason_filter_keeps_the_surveys_about_that_reason(data):
    """A reason narrows surveys through their request or win-back case; claim surveys (a
    claim has no cancellation reason) drop out, while the claims tab ignores the filter."""
    quality = filters_all(reason=str(data.reasons["product_quality"].pk))
    assert save_rate_total(quality) == {"retained": 0, "cancelled": 2, "rate": 0.0}
    touchpoints = {r["key"] for r in satisfaction_by_touchpoint(quality)}
    assert touchpoints == {"cancellation", "win_back"}
    comments = [c["comment"] for c in survey_comments(quality)]
    assert comments == ["Took too long"]
    assert claims_summary(quality)["n"] == 3
    financial = filters_all(reason_category="financial")
    assert {r["key"] for r in satisfaction_by_touchpoint(financial)} == {"save"}


def test_a_survey_about_nothing_is_left_out_by_product_and_reason_filters(data):
    survey(
        touchpoint="save",
        customer=data.requests["r1"].request.customer,
        answered_at=NOW,
        csat=3,
    )
    assert satisfaction_by_touchpoint(filters_all())[1]["answered"] == 2
    save = satisfaction_by_touchpoint(filters_all(product_category="water_purifier"))[0]
    assert (save["key"], save["answered"]) == ("save", 1)


@pytest.mark.parametrize(
    ("tab", "shown"),
    [("claims", True), ("coaching", True), ("satisfaction", True), ("save-rate", False)],
)
def test_the_page_says_which_filters_a_tab_does_not_apply(client_as_supervisor, data, tab, shown):
    body = client_as_supervisor.get(reverse("dashboards"), {"tab": tab}).content.decode()
    assert ('id="unapplied-filters"' in body) is shown
    if tab == "claims":
        assert "The reason filters do not apply to claims" in body


# ---- a filter id too big to look up ------------------------------------------------------


@pytest.mark.parametrize("name", ["reason", "agent", "team"])
def test_a_filter_id_too_big_for_the_database_is_ignored(client_as_supervisor, name):
    response = client_as_supervisor.get(
        reverse("dashboards"), {"tab": "save-rate", name: "99999999999999999999"}
    )
    assert response.status_code == 200
    assert "Unknown filter value ignored" in response.content.decode()
