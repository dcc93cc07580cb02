"""Every dashboard metric and every CSV file on one hand-built data set (`dashboard_data.book`)
whose answers are worked out here by hand: claims, coaching, offers used per agent, the
weekly trend of the leading reasons, the filters (product category, value tier, reason) and
each table's CSV, with the period each CSV defaults to."""

import csv
import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from reporting.analytics import winback as winback_figures
from reporting.analytics.claims import claim_step_times, claims_by_cause, claims_summary
from reporting.analytics.coaching import coaching_by_agent, offers_by_agent
from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels
from reporting.analytics.reasons import competitor_breakdown, reason_pareto, reason_trend
from reporting.analytics.satisfaction import satisfaction_by_touchpoint, survey_comments
from reporting.analytics.save_rate import save_rate_by, save_rate_total
from reporting.analytics.tables import PAGE_ROWS, TAB_TABLES, TABLE_TABS, TABLES, TABS
from reporting.analytics.winback import win_back_funnel, win_back_summary
from tests.reporting.dashboard_data import NOW, book, survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(reason):
    """The book, with the clock stopped at `NOW` for the whole test."""
    with time_machine.travel(NOW, tick=False):
        yield book(reason)


def _all(**params) -> Filters:
    return Filters.from_query(params)


def _csv(client, name, query=None) -> list[list[str]]:
    response = client.get(reverse("dashboard_csv", args=[name]), query or {})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


# ---- claims ---------------------------------------------------------------------------------


def test_claims_by_root_cause_escalations_deadlines_compensation_cancellations(data):
    """Two product defects (one escalated, deadlines one met and one missed, KRW 50,000
    compensation, one led to a cancellation) and a billing claim without a deadline."""
    rows = claims_by_cause(_all())
    assert [(r["key"], r["label"], r["n"]) for r in rows] == [
        ("product_defect", "Product defect", 2),
        ("billing", "Billing", 1),
    ]
    defect, billing = rows
    assert (defect["escalated"], defect["escalation_rate"]) == (1, 0.5)
    assert (defect["with_deadline"], defect["deadline_met"], defect["deadline_rate"]) == (2, 1, 0.5)
    assert (defect["compensation"], defect["cancelled"], defect["cancel_rate"]) == (50000, 1, 0.5)
    assert billing["deadline_rate"] is None  # no deadline promised: nothing to meet
    assert (billing["escalation_rate"], billing["compensation"], billing["cancelled"]) == (
        0,
        10000,
        0,
    )


def test_claims_summary_over_every_claim_of_the_period(data):
    summary = claims_summary(_all())
    assert summary["n"] == 3
    assert summary["escalation_rate"] == 1 / 3
    assert summary["deadline_rate"] == 1 / 2
    assert summary["compensation"] == 60000
    assert (summary["cancelled"], summary["cancel_rate"]) == (1, 1 / 3)


def test_claims_summary_of_an_empty_period_is_zero_not_an_error(data):
    summary = claims_summary(_all(**{"from": "2020-01-01", "to": "2020-01-31"}))
    assert (summary["n"], summary["compensation"], summary["escalation_rate"]) == (0, 0, None)


def test_claim_time_per_step_averages_only_the_claims_that_went_through_it(data):
    steps = {r["key"]: r["seconds"] for r in claim_step_times(_all())}
    assert steps["seconds_apology"] == (60 + 120 + 30) / 3
    assert steps["seconds_listening"] == pytest.approx((300 + 100 + 60) / 3)
    assert steps["seconds_cause"] == (120 + 80) / 2  # the billing claim skipped it
    assert steps["seconds_escalated"] == 600  # only the escalated claim waited
    assert steps["seconds_execute"] == 1500
    assert steps["seconds_recover"] == 60
    assert steps["seconds_total"] == (2440 + 2600 + 90) / 3
    assert list(steps)[-1] == "seconds_total"  # the chart leaves the whole claim out


# ---- coaching -------------------------------------------------------------------------------


def test_coaching_figures_per_agent(data):
    """Alice: two saves and a cancellation, two offers in three calls, two claims, surveys
    5 and 4. Bob: two cancellations, one offer per call, one claim, surveys 2 and 1."""
    rows = coaching_by_agent(_all())
    assert [r["label"] for r in rows] == ["Alice Kim", "Bob Lee"]  # the busiest first
    alice, bob = rows
    assert (alice["retained"], alice["cancelled"], alice["rate"]) == (2, 1, 2 / 3)
    assert alice["offers_per_call"] == 2 / 3
    assert alice["reason_s"] == pytest.approx((60 + 30 + 100) / 3)
    assert (alice["offers_s"], alice["quote_s"], alice["total_s"]) == (105, None, 200)
    assert (alice["claims"], alice["claim_s"]) == (2, (2440 + 90) / 2)
    assert (alice["score"], alice["answered"]) == (4.5, 2)
    assert (bob["retained"], bob["cancelled"], bob["rate"], bob["offers_per_call"]) == (0, 2, 0, 1)
    assert (bob["reason_s"], bob["offers_s"], bob["quote_s"], bob["total_s"]) == (160, 80, 150, 450)
    assert (bob["claims"], bob["claim_s"], bob["score"], bob["answered"]) == (1, 2600, 1.5, 2)


def test_offers_each_agent_used_presented_and_accepted(data):
    rows = offers_by_agent(_all())
    assert [
        (r["agent"], r["code"], r["label"], r["presented"], r["accepted"], r["rate"]) for r in rows
    ] == [
        ("Alice Kim", "FEE", "Fee cut", 1, 1, 1.0),
        ("Alice Kim", "FEE-B", "Fee cut B", 1, 1, 1.0),
        ("Bob Lee", "FEE", "Fee cut", 1, 0, 0.0),
        ("Bob Lee", "VISIT", "Free visit", 1, 0, 0.0),
    ]
    only_bob = offers_by_agent(_all(agent=str(data.bob.pk)))
    assert {r["agent"] for r in only_bob} == {"Bob Lee"}


def test_offers_used_counts_every_call_on_a_path_and_each_offer_on_it(data, reason):
    """Two more calls by Alice on one path (fee cut declined, then the visit accepted)."""
    from tests.reporting.dashboard_data import request_fact

    for _ in range(2):
        request_fact(
            agent=data.alice,
            reason=data.reasons["fee_burden"],
            product=data.purifier,
            closed_on=date(2025, 6, 2),
            retained=True,
            path="financial_burden|FEE:-|VISIT:+",
        )
    rows = {(r["agent"], r["code"]): r for r in offers_by_agent(_all())}
    assert (rows["Alice Kim", "FEE"]["presented"], rows["Alice Kim", "FEE"]["accepted"]) == (3, 1)
    assert (rows["Alice Kim", "VISIT"]["presented"], rows["Alice Kim", "VISIT"]["accepted"]) == (
        2,
        2,
    )


# ---- why they leave: the weekly trend ------------------------------------------------------


def test_reason_trend_counts_each_leading_reason_per_week(data):
    """Cancellations: product quality twice this week, a cheaper competitor last week."""
    trend = reason_trend(_all())
    assert trend["weeks"][0] == "2025-03-17"  # the Monday of the week the period starts in
    assert trend["weeks"][-2:] == ["2025-06-09", "2025-06-16"]
    assert len(trend["weeks"]) == 14  # every week, with or without cancellations
    series = {s["label"]: s["data"] for s in trend["series"]}
    assert list(series) == ["Product quality or performance", "A competitor is cheaper"]
    assert series["Product quality or performance"][-2:] == [0, 2]
    assert series["A competitor is cheaper"][-2:] == [1, 0]
    assert sum(series["Product quality or performance"]) == 2


def test_reason_trend_keeps_only_the_leading_reasons(data):
    trend = reason_trend(_all(), top=1)
    assert [s["label"] for s in trend["series"]] == ["Product quality or performance"]


# ---- filters ------------------------------------------------------------------------------


def test_save_rate_by_week_product_and_agent(data):
    filters = _all()
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
    bidets = _all(product_category="bidet")
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
    purifiers = _all(product_category="water_purifier")
    touchpoints = {r["key"] for r in satisfaction_by_touchpoint(purifiers)}
    assert touchpoints == {"save", "win_back"}  # a save call and a won-back contract


def test_value_tier_filter_narrows_every_tab(data):
    vip = _all(value_tier="vip")
    assert save_rate_total(vip) == {"retained": 1, "cancelled": 0, "rate": 1.0}
    summary = claims_summary(vip)
    assert (summary["n"], summary["compensation"]) == (1, 10000)
    assert win_back_summary(vip)["won"] == 1
    assert [r["key"] for r in satisfaction_by_touchpoint(vip)] == ["win_back"]
    gold = _all(value_tier="gold")
    assert save_rate_total(gold) == {"retained": 0, "cancelled": 1, "rate": 0.0}
    assert competitor_breakdown(gold)[0]["key"] == "Rival Rentals"


def test_reason_filter_keeps_the_surveys_about_that_reason(data):
    """A reason narrows surveys through their request or win-back case; claim surveys (a
    claim has no cancellation reason) drop out, while the claims tab ignores the filter."""
    quality = _all(reason=str(data.reasons["product_quality"].pk))
    assert save_rate_total(quality) == {"retained": 0, "cancelled": 2, "rate": 0.0}
    touchpoints = {r["key"] for r in satisfaction_by_touchpoint(quality)}
    assert touchpoints == {"cancellation", "win_back"}
    comments = [c["comment"] for c in survey_comments(quality)]
    assert comments == ["Took too long"]
    assert claims_summary(quality)["n"] == 3
    financial = _all(reason_category="financial")
    assert {r["key"] for r in satisfaction_by_touchpoint(financial)} == {"save"}


def test_a_survey_about_nothing_is_left_out_by_product_and_reason_filters(data):
    survey(
        touchpoint="save",
        customer=data.requests["r1"].request.customer,
        answered_at=NOW,
        csat=3,
    )
    assert satisfaction_by_touchpoint(_all())[1]["answered"] == 2
    save = satisfaction_by_touchpoint(_all(product_category="water_purifier"))[0]
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


# ---- CSV: every table, its header and its rows --------------------------------------------

# name → (header, rows that must be in it, exactly), all over the tab's default period.
EXPECTED_CSV = {
    "save-rate-week": (
        ["Week", "Retained", "Cancelled", "Save rate"],
        [["2025-06-09", "1", "1", "0.5000"], ["2025-06-16", "1", "2", "0.3333"]],
    ),
    "save-rate-category": (
        ["Reason category", "Retained", "Cancelled", "Save rate"],
        [["Financial burden", "2", "0", "1.0000"], ["Dissatisfaction", "0", "2", "0.0000"]],
    ),
    "save-rate-reason": (
        ["Reason", "Retained", "Cancelled", "Save rate"],
        [["The monthly fee is a burden", "2", "0", "1.0000"]],
    ),
    "save-rate-product": (
        ["Product", "Retained", "Cancelled", "Save rate"],
        [["Purifier One", "2", "1", "0.6667"], ["Bidet Two", "0", "2", "0.0000"]],
    ),
    "save-rate-team": (
        ["Team", "Retained", "Cancelled", "Save rate"],
        [["Red", "2", "1", "0.6667"], ["Blue", "0", "2", "0.0000"]],
    ),
    "save-rate-agent": (
        ["Agent", "Retained", "Cancelled", "Save rate"],
        [["Alice Kim", "2", "1", "0.6667"], ["Bob Lee", "0", "2", "0.0000"]],
    ),
    "save-rate-path": (
        ["Path", "Retained", "Cancelled", "Save rate"],
        [
            ["Competitor > Fee cut ✗", "0", "1", "0.0000"],
            ["Financial burden > Fee cut ✓", "1", "0", "1.0000"],
        ],
    ),
    "offers": (
        ["Offer", "Presented", "Accepted", "Acceptance rate", "Cost"],
        [["Fee cut", "2", "1", "0.5000", "36000"], ["Free visit", "1", "0", "0.0000", "0"]],
    ),
    "ab-tests": (
        [
            "Test",
            "Offer",
            "Arm",
            "Presented",
            "Saves",
            "Save rate",
            "Net value of the saves",
            "p-value",
            "Difference from the original",
        ],
        [
            # 12 months of KRW 27,000 kept for 36,000; 6 months of 28,000 for 12,000.
            ["FEE", "Fee cut", "original", "2", "1", "0.5000", "288000", "", ""],
            [
                "FEE",
                "Fee cut B",
                "variant",
                "1",
                "1",
                "1.0000",
                "156000",
                "0.3865",
                "not significant yet",
            ],
        ],
    ),
    # Save quality looks back 455 days: January's save is old enough to tell.
    "rechurn": (
        ["Within", "Saves old enough to tell", "Left again", "Re-churn"],
        [["3 months", "1", "1", "1.0000"], ["6 months", "0", "0", ""]],
    ),
    "save-value": (
        ["Offer", "Saves", "Left again", "Fees kept", "Cost", "Net"],
        [
            ["Free visit", "1", "1.0000", "30000", "80000", "-50000"],  # a number, not '-50000
            ["Fee cut", "1", "0.0000", "324000", "36000", "288000"],
        ],
    ),
    "reasons-lost": (
        ["Reason", "Cancellations", "Share", "Cumulative", "Monthly fees lost"],
        [
            ["Product quality or performance", "2", "0.6667", "0.6667", "50000"],
            ["A competitor is cheaper", "1", "0.3333", "1.0000", "20000"],
        ],
    ),
    "reasons-trend": (
        ["Week", "Product quality or performance", "A competitor is cheaper"],
        [["2025-03-17", "0", "0"], ["2025-06-09", "0", "1"], ["2025-06-16", "2", "0"]],
    ),
    "competitors": (
        ["Competitor", "Cancellations", "What they offered"],
        [["Rival Rentals", "1", "3 months free"]],
    ),
    # Win-back looks back a year: December's departure is in.
    "win-back-month": (
        ["Month", "Departed", "Targeted", "Reached", "Won back", "Recovery rate", "Fees recovered"],
        [
            ["2024-12", "1", "0", "0", "0", "", "0"],
            ["2025-05", "2", "2", "2", "1", "0.5000", "360000"],
        ],
    ),
    "win-back-quarter": (
        [
            "Quarter",
            "Departed",
            "Targeted",
            "Reached",
            "Won back",
            "Recovery rate",
            "Fees recovered",
        ],
        [
            ["2024 Q4", "1", "0", "0", "0", "", "0"],
            ["2025 Q2", "2", "2", "2", "1", "0.5000", "360000"],
        ],
    ),
    "claims-cause": (
        [
            "Root cause",
            "Claims",
            "Escalated",
            "Deadlines met",
            "Compensation",
            "Led to a cancellation",
        ],
        [
            ["Product defect", "2", "0.5000", "0.5000", "50000", "1"],
            ["Billing", "1", "0.0000", "", "10000", "0"],
        ],
    ),
    "claims-steps": (
        ["Step", "Time"],
        [
            ["2 Listening", "153.3"],
            ["4 Waiting for the team lead", "600.0"],
            ["Whole claim", "1710.0"],
        ],
    ),
    "satisfaction": (
        ["Touchpoint", "Answered", "Average score (1-5)", "Satisfied (4-5)", "Would come back"],
        [
            ["After a save", "1", "5.0", "1.0000", "1.0000"],
            ["After a claim", "1", "1.0", "0.0000", "0.0000"],
        ],
    ),
    "comments": (
        ["Date", "Touchpoint", "Score", "Comment"],
        [
            ["2025-06-17", "After a save", "5", "Kind and quick"],
            ["2025-06-17", "After a cancellation", "2", "Took too long"],
            ["2025-06-13", "After a claim", "1", "Nobody called back"],
        ],
    ),
    "coaching": (
        [
            "Agent",
            "Retained",
            "Cancelled",
            "Save rate",
            "Offers per call",
            "Finding the reason",
            "Offering",
            "Quoting",
            "Whole call",
            "Claims closed",
            "Per claim",
            "Survey score",
        ],
        [
            [
                "Alice Kim",
                "2",
                "1",
                "0.6667",
                "0.7",
                "63.3",
                "105.0",
                "",
                "200.0",
                "2",
                "1265.0",
                "4.5",
            ],
            [
                "Bob Lee",
                "0",
                "2",
                "0.0000",
                "1.0",
                "160.0",
                "80.0",
                "150.0",
                "450.0",
                "1",
                "2600.0",
                "1.5",
            ],
        ],
    ),
    "coaching-offers": (
        ["Agent", "Offer", "Presented", "Accepted", "Acceptance rate"],
        [
            ["Alice Kim", "Fee cut", "1", "1", "1.0000"],
            ["Bob Lee", "Free visit", "1", "0", "0.0000"],
        ],
    ),
}


def test_every_table_has_its_expected_csv_and_is_on_one_tab():
    assert set(EXPECTED_CSV) == set(TABLES)
    assert set(TABLE_TABS) == set(TABLES)
    listed = [name for names in TAB_TABLES.values() for name in names]
    assert len(listed) == len(set(listed))  # no table on two tabs: one default period each
    assert set(TAB_TABLES) == set(TABS)


@pytest.mark.parametrize("name", list(EXPECTED_CSV))
def test_each_table_csv_holds_its_header_and_rows(client_as_supervisor, data, name):
    header, expected = EXPECTED_CSV[name]
    rows = _csv(client_as_supervisor, name)
    assert rows[0] == header
    for row in expected:
        assert row in rows[1:], (row, rows)


def test_the_trend_csv_has_a_row_for_every_week_of_the_period(client_as_supervisor, data):
    rows = _csv(client_as_supervisor, "reasons-trend")
    assert len(rows) == 1 + 14


# ---- CSV: the period of the tab the table is on -------------------------------------------


def test_a_csv_reads_the_default_period_of_its_tab(client_as_supervisor, data):
    """Save quality and win-back look further back than 90 days by default, on the page and
    in their CSV files alike; a period given in the query string wins."""
    page = client_as_supervisor.get(reverse("dashboards"), {"tab": "quality"})
    rechurn = _csv(client_as_supervisor, "rechurn")
    months = _csv(client_as_supervisor, "win-back-month")
    short = _csv(client_as_supervisor, "rechurn", {"from": "2025-03-20"})
    requests_90 = _csv(client_as_supervisor, "requests")
    requests_quality = _csv(client_as_supervisor, "requests", {"tab": "quality"})
    requests_bad_tab = _csv(client_as_supervisor, "requests", {"tab": "horoscope"})
    assert page.context["filters"].date_from == date(2024, 3, 20)
    [rechurn_table] = [t for t in page.context["tables"] if t.name == "rechurn"]
    assert (rechurn_table.rows[0]["saves"], rechurn_table.rows[0]["left"]) == (1, 1)
    assert rechurn[1] == ["3 months", "1", "1", "1.0000"]  # as on the page
    assert months[1][0] == "2024-12"  # a year back
    assert short[1] == ["3 months", "0", "0", ""]
    assert len(requests_90) == 1 + 5
    assert len(requests_quality) == 1 + 6  # January's save too
    assert len(requests_bad_tab) == 1 + 5


def test_the_request_export_link_carries_the_tab(client_as_supervisor, data):
    body = client_as_supervisor.get(reverse("dashboards"), {"tab": "win-back"}).content.decode()
    assert reverse("dashboard_csv", args=["requests"]) + "?tab=win-back" in body


def test_an_inverted_period_falls_back_to_the_tab_default(client_as_supervisor, data):
    response = client_as_supervisor.get(
        reverse("dashboards"), {"tab": "win-back", "from": "2025-06-10", "to": "2025-06-01"}
    )
    filters = response.context["filters"]
    assert (filters.date_from, filters.date_to) == (date(2024, 6, 18), date(2025, 6, 18))
    assert "showing the last 365 days" in response.content.decode()


# ---- CSV: the whole table, where the page shows the first rows -----------------------------


@pytest.mark.parametrize(
    ("name", "tab", "whole"),
    [
        ("comments", "satisfaction", 3),
        ("save-rate-path", "save-rate", 6),
        ("competitors", "reasons", 2),
        ("coaching-offers", "coaching", 4),
    ],
)
def test_a_table_cut_on_the_page_streams_whole_as_csv(
    client_as_supervisor, data, monkeypatch, name, tab, whole
):
    from tests.reporting.dashboard_data import request_fact

    request_fact(  # a second competitor, on a sixth path
        agent=data.bob,
        reason=data.reasons["competitor_cheaper"],
        product=data.bidet,
        closed_on=date(2025, 6, 3),
        retained=False,
        path="competitor",
        competitor_name="Cheap Rentals",
    )
    monkeypatch.setitem(PAGE_ROWS, name, 1)
    response = client_as_supervisor.get(reverse("dashboards"), {"tab": tab})
    rows = _csv(client_as_supervisor, name)
    [table] = [t for t in response.context["tables"] if t.name == name]
    assert len(table.rows) == 1 and table.more
    assert "Only the first 1 row is shown here; the CSV has them all." in response.content.decode()
    assert len(rows) == 1 + whole


def test_the_page_limits_are_the_usual_ones():
    assert PAGE_ROWS == {
        "save-rate-path": 100,
        "competitors": 50,
        "comments": 30,
        "coaching-offers": 300,
    }


def test_comments_stream_every_row_read_in_chunks(data):
    """The CSV reads the comments lazily (a generator over a chunked cursor), never all
    into a list; the page gets a list of its first rows."""
    whole = TABLES["comments"](_all(), Labels(), whole=True)
    page = TABLES["comments"](_all(), Labels())
    assert not isinstance(whole.rows, list)
    assert len(list(whole.rows)) == 3
    assert isinstance(page.rows, list) and not page.more


def test_the_quarter_label_is_translated_with_its_placeholders(data, monkeypatch):
    korean = {"%(year)d Q%(quarter)d": "%(year)d년 %(quarter)d분기"}
    monkeypatch.setattr(winback_figures, "_", lambda message: korean.get(message, message))
    a_year = Filters.from_query({}, default_days=365)
    labels = [r["label"] for r in win_back_funnel(a_year, "quarter")]
    assert labels == ["2024년 4분기", "2025년 2분기"]
