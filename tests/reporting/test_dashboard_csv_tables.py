"""Every dashboard CSV on the hand-built data set (`dashboard_data.book`): its header and
rows, the period of its tab, and the whole table where the page shows the first rows."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from reporting.analytics import winback as winback_figures
from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels
from reporting.analytics.tables import PAGE_ROWS, TAB_TABLES, TABLE_TABS, TABLES, TABS
from reporting.analytics.winback import win_back_funnel
from tests.reporting.helpers import filters_all

pytestmark = pytest.mark.django_db


def _csv(client, name, query=None) -> list[list[str]]:
    response = client.get(reverse("dashboard_csv", args=[name]), query or {})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


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
    whole = TABLES["comments"](filters_all(), Labels(), whole=True)
    page = TABLES["comments"](filters_all(), Labels())
    assert not isinstance(whole.rows, list)
    assert len(list(whole.rows)) == 3
    assert isinstance(page.rows, list) and not page.more


def test_the_quarter_label_is_translated_with_its_placeholders(data, monkeypatch):
    korean = {"%(year)d Q%(quarter)d": "%(year)d년 %(quarter)d분기"}
    monkeypatch.setattr(winback_figures, "_", lambda message: korean.get(message, message))
    a_year = Filters.from_query({}, default_days=365)
    labels = [r["label"] for r in win_back_funnel(a_year, "quarter")]
    assert labels == ["2024년 4분기", "2025년 2분기"]
