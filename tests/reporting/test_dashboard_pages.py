"""The dashboard pages: every tab with its tables and charts, the path picture, the trend
chart, and the same queries whatever the data."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from calls.models import Survey
from catalog.models import Reason
from core.updates import updates_bump
from reporting.analytics.tables import TAB_TABLES, TABLES
from reporting.models import RequestFact
from reporting.services.facts import FACTS_KEY
from tests.factories import ProductFactory, UserFactory
from tests.reporting.dashboard_data import NOW, TODAY, claim_fact, request_fact, survey, win_back

pytestmark = pytest.mark.django_db


# ---- the pages ----------------------------------------------------------------------------

TABS = ["save-rate", "quality", "reasons", "win-back", "claims", "satisfaction", "coaching"]

# tab → what the hand-built book (`dashboard_data.book`) puts on it, besides its tables' titles.
TAB_CONTENT = {
    "save-rate": ["40%", "Alice Kim", "Competitor &gt; Fee cut ✗", "not significant yet"],
    "quality": ["Free visit costs more than it keeps", "-KRW 50,000", "3 months"],
    "reasons": [
        "Product quality or performance is 100% of this week's cancellations, against 0%",
        "Rival Rentals",
        "3 months free",
        "2025-06-16",
    ],
    "win-back": ["2025 Q2", "2024-12", "KRW 360,000", "reference: about 30%"],
    "claims": ["Product defect", "KRW 60,000", "33%", "The reason filters do not apply to claims"],
    "satisfaction": ["After a win-back", "Nobody called back", "Kind and quick"],
    "coaching": ["Alice Kim", "Bob Lee", "Fee cut B", "4.5", "21m 05s"],
}


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_renders_with_its_tables_and_charts(client_as_supervisor, book_data, tab):
    response = client_as_supervisor.get(reverse("dashboards"), {"tab": tab})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<a href="?tab={tab}" aria-current="page">' in body
    tables = list(response.context["tables"])
    assert [t.name for t in tables] == TAB_TABLES[tab]
    for table in tables:
        assert f'<h3 id="t-{table.name}">{escape(table.title)}</h3>' in body
        csv = reverse("dashboard_csv", args=[table.name])
        assert f'<a class="csv-link" href="{csv}?' in body  # the CSV stays in sight
        assert table.rows, table.name  # the book fills every table
    charts = response.context["charts"]
    assert charts and all(any(d["data"] for d in c["datasets"]) for c in charts)
    for chart in charts:
        assert f"<figcaption>{escape(chart['title'])}</figcaption>" in body
    for text in TAB_CONTENT[tab]:
        assert text in body, text


def test_the_path_through_the_tree_is_a_picture_of_the_paths(client_as_supervisor, book_data):
    """One block per branch, offer step and answer; widths add up to their parent's and a
    block's title says its calls and save rate."""
    response = client_as_supervisor.get(reverse("dashboards"), {"tab": "save-rate"})
    flow = response.context["flow"]
    paths = next(t for t in response.context["tables"] if t.name == "save-rate-path").rows
    branches = [b for b in flow["blocks"] if b.y == 0]
    calls = sum(r["retained"] + r["cancelled"] for r in paths)
    assert round(sum(b.width for b in branches)) == 1000
    assert calls and all(" call" in b.title and "saved" in b.title for b in flow["blocks"])
    body = response.content.decode()
    assert body.count('<g class="flow-block">') == len(flow["blocks"])
    assert "hsl(" in body and 'role="img"' in body


def test_the_reason_trend_chart_draws_from_its_table(client_as_supervisor, book_data):
    response = client_as_supervisor.get(reverse("dashboards"), {"tab": "reasons"})
    [trend] = [t for t in response.context["tables"] if t.name == "reasons-trend"]
    [chart] = [c for c in response.context["charts"] if c["type"] == "line"]
    assert chart["labels"] == [r["label"] for r in trend.rows]
    assert [d["label"] for d in chart["datasets"]] == [c.label for c in trend.columns[1:]]
    assert chart["datasets"][0]["data"][-1] == 2  # product quality, this week


def test_the_save_rate_tab_shows_the_figures_with_labels(client_as_supervisor, outcomes, reason):
    body = client_as_supervisor.get(reverse("dashboards")).content.decode()
    assert "75%" in body
    assert reason("fee_burden").label in body


def test_unknown_tab_is_404(client_as_supervisor):
    assert client_as_supervisor.get(reverse("dashboards"), {"tab": "horoscope"}).status_code == 404


# Queries per tab: session and user, permissions, the tab's aggregates, the labels its rows
# need, the filter choices. Exactly these, whatever the data.
TAB_QUERIES = {
    "save-rate": 16,
    "quality": 12,
    "reasons": 14,
    "win-back": 12,
    "claims": 12,
    "satisfaction": 11,
    "coaching": 16,  # the coaching form lists the agents by team and name
}

# A CSV: session, user, permissions, the table's own queries and the labels it names.
CSV_QUERIES = 8


def _grow(data, n: int) -> None:
    """`n` more closed requests, claims and surveys, and win-back cases, spread over four
    more agents in two teams, three products and six reasons."""
    from catalog.choices import ReasonCategory

    agents = [
        UserFactory(
            username=f"agent-{i}", role="agent", team=(data.alice.team, data.bob.team)[i % 2]
        )
        for i in range(4)
    ]
    products = [
        data.purifier,
        data.bidet,
        ProductFactory(name_en="Chair", category="massage_chair"),
    ]
    reasons = list(Reason.objects.exclude(category=ReasonCategory.UNAVOIDABLE).order_by("pk")[:6])
    paths = [
        "financial_burden|FEE:+",
        "dissatisfied|VISIT:-|FEE:+",
        "competitor|FEE-B:-",
        "dissatisfied",
    ]
    for i in range(n):
        agent, product, reason = agents[i % 4], products[i % 3], reasons[i % 6]
        path = paths[i % 4]
        fact = request_fact(
            agent=agent,
            reason=reason,
            product=product,
            tier=("standard", "gold", "vip")[i % 3],
            closed_on=TODAY - timedelta(days=i % 80),
            retained=path.endswith("+"),
            path=path,
            offer_code=path.rsplit("|", 1)[-1][:-2] if path.endswith("+") else "",
            offer_cost=1000 * (i % 5),
            months_left=i % 24,
            competitor_name=f"Rival {i % 7}" if path.startswith("competitor") else "",
            seconds_reason=30 + i,
            seconds_total=300 + i,
        )
        if i % 3 == 0:
            claim = claim_fact(
                agent=agent,
                product=product,
                closed_on=TODAY - timedelta(days=i % 60),
                root_cause=("billing", "delivery", "installation")[i % 3],
                escalated=i % 2 == 0,
                seconds_total=600 + i,
            ).claim
            survey(
                touchpoint="claim",
                customer=claim.customer,
                claim=claim,
                agent=agent,
                answered_at=NOW - timedelta(days=i % 50),
                csat=1 + i % 5,
                comment=f"Claim comment {i}",
            )
        if i % 2 == 0:
            survey(
                touchpoint="save" if fact.is_retained else "cancellation",
                customer=fact.request.customer,
                cancellation_request=fact.request,
                agent=agent,
                answered_at=NOW - timedelta(days=i % 50),
                csat=1 + i % 5,
                comment=f"Call comment {i}",
            )
        if i % 5 == 0:
            win_back(
                departed_on=TODAY - timedelta(days=20 + i * 3),
                tier=("top", "middle", "rest")[i % 3],
                outcome=("won_back", "declined", "not_called")[i % 3],
                product=product,
                handled_by=agent,
                original_reason=reason,
            )


def _counts(client) -> dict:
    counts = {}
    for tab in TABS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboards"), {"tab": tab}).status_code == 200
        counts[tab] = len(queries)
    for name in [*TABLES, "requests"]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard_csv", args=[name]))
            b"".join(response.streaming_content)
        counts[f"{name}.csv"] = len(queries)
    return counts


def test_dashboard_queries_are_the_same_whatever_the_data(client_as_supervisor, book_data):
    """6 requests, 3 claims, 4 surveys and 3 win-back cases, then 60 requests, 21 claims,
    49 surveys and 14 win-back cases over six agents, three products and more reasons (more
    than a page of comments too): every tab and every CSV runs exactly the same queries."""
    small = _counts(client_as_supervisor)
    _grow(book_data, 54)
    updates_bump([FACTS_KEY], at_once=True)  # as the refresh that copies facts in does
    assert (RequestFact.objects.count(), Survey.objects.count()) == (60, 49)
    large = _counts(client_as_supervisor)
    assert small == large
    for tab, bound in TAB_QUERIES.items():
        assert small[tab] <= bound, (tab, small[tab])
    assert max(v for k, v in small.items() if k.endswith(".csv")) <= CSV_QUERIES, small
