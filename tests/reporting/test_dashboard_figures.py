"""The supervisor dashboards: every metric on hand-built data whose answer is known, the CSV
files and their escaping, who may see them, and bounded queries."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from calls.models import Survey
from cancellations.services.closing import cancellation_confirm, cancellation_insist
from cancellations.services.offers import offer_accept, offer_approve, offer_present
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.models import Reason
from core.csv import csv_rows
from reporting.analytics.coaching import coaching_by_agent
from reporting.analytics.filters import Filters
from reporting.analytics.quality import rechurn, save_value_by_offer
from reporting.analytics.reasons import competitor_breakdown, reason_pareto, reason_spikes
from reporting.analytics.satisfaction import satisfaction_by_touchpoint, survey_comments
from reporting.analytics.save_rate import (
    offer_acceptance,
    save_rate_by,
    save_rate_by_path,
    save_rate_total,
)
from reporting.analytics.tables import TAB_TABLES, TABLES
from reporting.analytics.winback import win_back_funnel, win_back_summary
from reporting.models import RequestFact
from reporting.services.facts import facts_refresh
from tests.factories import ContractFactory, CustomerFactory, ProductFactory, UserFactory
from tests.reporting.dashboard_data import (
    NOW,
    TODAY,
    book,
    claim_fact,
    request_fact,
    survey,
    win_back,
)
from winback.models import WinBackCase

pytestmark = pytest.mark.django_db


def _open(agent, reason, code, *, contract=None, competitor="", offer_note=""):
    request = cancellation_open(contract_id=(contract or ContractFactory()).pk, user=agent)
    return cancellation_identify_reason(
        request_id=request.pk,
        user=agent,
        reason_id=reason(code).pk,
        competitor_name=competitor,
        competitor_offer=offer_note,
    )


def _save(agent, reason, code, offer, **kwargs):
    request = _open(agent, reason, code, **kwargs)
    offer_present(request_id=request.pk, user=agent, offer_id=offer.pk)
    return offer_accept(request_id=request.pk, user=agent)


def _cancel(agent, reason, code, **kwargs):
    request = _open(agent, reason, code, **kwargs)
    if request.state != "cancelling":
        cancellation_insist(request_id=request.pk, user=agent)
    return cancellation_confirm(request_id=request.pk, user=agent, pickup_date=timezone.localdate())


def _csv(client, name, query=""):
    response = client.get(reverse("dashboard_csv", args=[name]) + query)
    assert response.status_code == 200
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def outcomes(agent, reason, fee_offer, visit_offer):
    """3 retained (2 by fee adjustment, 1 by a visit) and 1 cancelled: a 75% save rate."""
    for _ in range(2):
        _save(agent, reason, "fee_burden", fee_offer)
    _save(agent, reason, "product_quality", visit_offer)
    _cancel(agent, reason, "product_quality")
    facts_refresh()


# ---- save rate ----------------------------------------------------------------------------


def test_save_rate_overall_by_reason_category_and_path(outcomes, reason, fee_offer):
    filters = Filters.from_query({})
    assert save_rate_total(filters) == {"retained": 3, "cancelled": 1, "rate": 0.75}
    by_reason = {row["label"]: row for row in save_rate_by(filters, "reason")}
    assert by_reason[reason("fee_burden").label]["rate"] == 1.0
    assert by_reason[reason("product_quality").label]["rate"] == 0.5
    by_category = {row["key"]: row["rate"] for row in save_rate_by(filters, "category")}
    assert by_category == {"financial": 1.0, "dissatisfaction": 0.5}
    paths = {row["key"]: (row["retained"], row["cancelled"]) for row in save_rate_by_path(filters)}
    assert paths[f"financial_burden|{fee_offer.code}:+"] == (2, 0)
    assert paths["dissatisfied"] == (0, 1)
    offers = {row["key"]: row for row in offer_acceptance(filters)}
    assert offers[fee_offer.code]["presented"] == 2 and offers[fee_offer.code]["rate"] == 1.0


def test_filters_narrow_the_figures_and_bad_values_are_reported(outcomes, agent, reason):
    assert save_rate_total(Filters.from_query({"reason_category": "financial"}))["rate"] == 1.0
    assert save_rate_total(Filters.from_query({"reason": reason("fee_burden").pk}))["retained"] == 2
    assert save_rate_total(Filters.from_query({"agent": agent.pk}))["retained"] == 3
    assert save_rate_total(Filters.from_query({"agent": agent.pk + 999}))["rate"] is None
    filters = Filters.from_query({"reason_category": "nonsense", "from": "yesterday", "team": "x"})
    assert len(filters.errors) == 3
    assert save_rate_total(filters)["retained"] == 3
    future = (timezone.localdate() + timedelta(days=10)).isoformat()
    assert save_rate_total(Filters.from_query({"from": future, "to": future}))["rate"] is None


def test_team_filter_and_breakdown(reason, fee_offer):
    from accounts.models import Team

    red, blue = Team.objects.create(name="Red"), Team.objects.create(name="Blue")
    alice = UserFactory(username="alice", role="agent", team=red)
    bob = UserFactory(username="bob", role="agent", team=blue)
    _save(alice, reason, "fee_burden", fee_offer)
    _cancel(bob, reason, "fee_burden")
    facts_refresh()
    by_team = {row["label"]: row["rate"] for row in save_rate_by(Filters.from_query({}), "team")}
    assert by_team == {"Red": 1.0, "Blue": 0.0}
    assert save_rate_total(Filters.from_query({"team": blue.pk}))["cancelled"] == 1


def test_figures_wait_for_the_refresh_and_are_counted_once(agent, reason, fee_offer):
    _save(agent, reason, "fee_burden", fee_offer)
    assert save_rate_total(Filters.from_query({}))["retained"] == 0  # not refreshed yet
    assert facts_refresh() == {"requests": 1, "claims": 0}
    assert facts_refresh() == {"requests": 0, "claims": 0}
    assert facts_refresh(full=True) == {"requests": 0, "claims": 0}
    assert save_rate_total(Filters.from_query({}))["retained"] == 1


# ---- save quality -------------------------------------------------------------------------


def test_rechurn_counts_saves_that_left_again_within_each_horizon(agent, reason, fee_offer):
    """4 saves 13 months ago; one left 2 months later, one 5 months later, one 11 months
    later, one stayed: re-churn 1/4 at 3 months, 2/4 at 6, 3/4 at 12."""
    now = timezone.now()
    contracts = [
        ContractFactory(term_months=36, start_date=now.date() - timedelta(days=900))
        for _ in range(4)
    ]
    with time_machine.travel(now - timedelta(days=395)):
        for contract in contracts:
            _save(agent, reason, "fee_burden", fee_offer, contract=contract)
    for contract, days_later in zip(contracts, (60, 150, 330), strict=False):
        with time_machine.travel(now - timedelta(days=395 - days_later)):
            _cancel(agent, reason, "fee_burden", contract=contract)
    facts_refresh(full=True)  # closed in the past: the nightly run copies it
    filters = Filters.from_query({"from": (now.date() - timedelta(days=400)).isoformat()})
    rows = {row["key"]: row for row in rechurn(filters)}
    assert (rows[3]["saves"], rows[3]["left"], rows[3]["rate"]) == (4, 1, 0.25)
    assert (rows[6]["left"], rows[12]["left"]) == (2, 3)
    value = save_value_by_offer(filters)
    assert [row["saves"] for row in value] == [4]
    assert value[0]["rechurn_rate"] == 0.75


def test_an_offer_that_costs_more_than_it_keeps_is_flagged(agent, reason, costly_offer, today):
    """The only save re-churns after a month: one month of fees kept, the cost is higher."""
    now = timezone.now()
    contract = ContractFactory(monthly_fee=30000, start_date=now.date() - timedelta(days=900))
    with time_machine.travel(now - timedelta(days=40)):
        request = _open(agent, reason, "fee_burden", contract=contract)
        offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
        supervisor = UserFactory(username="boss", role="supervisor")
        offer_approve(request_id=request.pk, user=supervisor)
        offer_accept(request_id=request.pk, user=agent)
    _cancel(agent, reason, "fee_burden", contract=contract)
    facts_refresh(full=True)  # closed in the past: the nightly run copies it
    fact = RequestFact.objects.get(request=request)
    assert fact.rechurn_days == 40 and fact.offer_cost > 30000
    rows = save_value_by_offer(Filters.from_query({}))
    assert rows[0]["kept"] == fact.monthly_fee  # one month of fees before they left
    assert rows[0]["cost"] == fact.offer_cost and rows[0]["over_discounting"] is True


# ---- why they leave -----------------------------------------------------------------------


def test_reason_pareto_counts_shares_and_revenue_lost(agent, reason):
    for code, times in [("fee_burden", 3), ("competitor_cheaper", 1)]:
        for _ in range(times):
            _cancel(
                agent,
                reason,
                code,
                contract=ContractFactory(monthly_fee=30000),
                competitor="Rival Rentals",
                offer_note="3 months free",
            )
    facts_refresh()
    rows = reason_pareto(Filters.from_query({}))
    assert [(r["key"], r["n"]) for r in rows] == [
        (reason("fee_burden").pk, 3),
        (reason("competitor_cheaper").pk, 1),
    ]
    assert rows[0]["share"] == 0.75 and rows[1]["cumulative"] == 1.0
    assert rows[0]["monthly_revenue"] == 90000
    assert competitor_breakdown(Filters.from_query({})) == [
        {"key": "Rival Rentals", "label": "Rival Rentals", "n": 1, "offered": "3 months free"}
    ]


def test_a_reason_whose_share_jumps_this_week_is_flagged(agent, reason):
    for weeks_ago in (4, 3, 2, 1):  # before: fee_burden 1 of 4 each week (25%)
        with time_machine.travel(timezone.now() - timedelta(days=7 * weeks_ago)):
            _cancel(agent, reason, "fee_burden")
            for _ in range(3):
                _cancel(agent, reason, "product_quality")
    for _ in range(3):  # this week: fee_burden 3 of 4 (75%)
        _cancel(agent, reason, "fee_burden")
    _cancel(agent, reason, "product_quality")
    facts_refresh(full=True)  # closed in the past: the nightly run copies it
    spikes = reason_spikes(Filters.from_query({}))
    assert [s["key"] for s in spikes] == [reason("fee_burden").pk]
    assert spikes[0]["share_now"] == 0.75 and spikes[0]["share_before"] == 0.25


def test_no_spike_when_shares_hold_steady(agent, reason):
    for weeks_ago in (2, 1, 0):
        with time_machine.travel(timezone.now() - timedelta(days=7 * weeks_ago)):
            _cancel(agent, reason, "fee_burden")
            _cancel(agent, reason, "product_quality")
    facts_refresh(full=True)  # closed in the past: the nightly run copies it
    assert reason_spikes(Filters.from_query({})) == []


# ---- win-back, satisfaction -----------------------------------------------------------------


def test_win_back_funnel_recovery_rate_and_six_month_retention(supervisor):
    """10 departed in one month: 8 targeted, 6 reached, 3 won back (2 of them at least
    6 months back, one of whom left again): recovery 3/8, care retention 1/2."""
    today = timezone.localdate()
    departed = today - timedelta(days=250)
    long_ago = timezone.now() - timedelta(days=200)

    def case(tier, outcome, *, new_contract=None, closed_at=None):
        contract = ContractFactory(status="cancelled", cancelled_on=departed)
        return WinBackCase.objects.create(
            contract=contract,
            customer=contract.customer,
            departed_on=departed,
            value=1,
            tier=tier,
            outcome=outcome,
            new_contract=new_contract,
            closed_at=closed_at,
        )

    for _ in range(2):
        case("rest", "not_called")
    for _ in range(2):
        case("middle", "unreachable")
    for _ in range(3):
        case("middle", "declined")
    case(
        "top",
        "won_back",
        new_contract=ContractFactory(monthly_fee=10000, term_months=12),
        closed_at=long_ago,
    )
    case(
        "top",
        "won_back",
        closed_at=long_ago,
        new_contract=ContractFactory(
            monthly_fee=10000, term_months=12, status="cancelled", cancelled_on=today
        ),
    )
    case(
        "middle",
        "won_back",
        new_contract=ContractFactory(monthly_fee=20000, term_months=24),
        closed_at=timezone.now(),
    )
    filters = Filters.from_query({"from": (departed - timedelta(days=1)).isoformat()})
    summary = win_back_summary(filters)
    assert (summary["departed"], summary["targeted"], summary["reached"], summary["won"]) == (
        10,
        8,
        6,
        3,
    )
    assert summary["recovery_rate"] == 3 / 8 and summary["reference"] == 0.30
    assert summary["recovered"] == 10000 * 12 * 2 + 20000 * 24
    assert (summary["care"], summary["care_rate"]) == (2, 0.5)
    [month] = win_back_funnel(filters, "month")
    assert (month["departed"], month["won"], month["recovery_rate"]) == (10, 3, 3 / 8)
    [quarter] = win_back_funnel(filters, "quarter")
    assert quarter["label"].endswith(f"Q{(departed.month - 1) // 3 + 1}")


def test_satisfaction_by_touchpoint_and_comments():
    customer = CustomerFactory()
    now = timezone.now()
    for n, (touchpoint, score, comment) in enumerate(
        [("save", 5, "great"), ("save", 3, ""), ("claim", 2, "slow"), ("cancellation", 4, "")]
    ):
        Survey.objects.create(
            touchpoint=touchpoint,
            customer=customer,
            token_hash=f"h{n}",
            idempotency_key=f"k{n}",
            expires_at=now,
            answered_at=now,
            csat=score,
            comment=comment,
            would_return=score >= 4,
        )
    rows = {r["key"]: r for r in satisfaction_by_touchpoint(Filters.from_query({}))}
    assert rows["save"]["score"] == 4 and rows["save"]["happy_rate"] == 0.5
    assert rows["claim"]["answered"] == 1 and rows["claim"]["return_rate"] == 0
    comments = survey_comments(Filters.from_query({}))
    assert sorted(c["comment"] for c in comments) == ["great", "slow"]


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


@pytest.fixture
def book_data(reason):
    with time_machine.travel(NOW, tick=False):
        yield book(reason)


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
    assert (RequestFact.objects.count(), Survey.objects.count()) == (60, 49)
    large = _counts(client_as_supervisor)
    assert small == large
    for tab, bound in TAB_QUERIES.items():
        assert small[tab] <= bound, (tab, small[tab])
    assert max(v for k, v in small.items() if k.endswith(".csv")) <= CSV_QUERIES, small


# ---- CSV ----------------------------------------------------------------------------------


def test_every_table_is_a_csv(client_as_supervisor, outcomes):
    """From the services through the facts to the file (each table's exact contents on
    hand-built facts: test_dashboards_metrics.py)."""
    for name in TABLES:
        rows = _csv(client_as_supervisor, name)
        assert rows[0][0].startswith("\ufeff")  # Excel reads it as UTF-8
    rows = _csv(client_as_supervisor, "save-rate-category")
    assert rows[0][1:] == ["Retained", "Cancelled", "Save rate"]
    assert ["Financial burden", "2", "0", "1.0000"] in rows


def test_csv_numbers_stay_numbers_and_only_formula_text_is_neutralised():
    row = [-12345, -0.5, Decimal("-1.5000"), 0, "+1", "\tcmd", "\rcmd", "=1+2", "@SUM(A1)"]
    row += ["-3+4", "plain - text", None]
    lines = list(csv_rows(["=header", "ok"], [row]))
    header, written = csv.reader(io.StringIO("".join(lines).removeprefix("\ufeff")))
    assert header == ["'=header", "ok"]
    assert written[:4] == ["-12345", "-0.5", "-1.5000", "0"]  # numbers, no apostrophe
    assert written[4:10] == ["'+1", "'\tcmd", "'\rcmd", "'=1+2", "'@SUM(A1)", "'-3+4"]
    assert written[10:] == ["plain - text", ""]


def test_a_negative_net_exports_as_a_number(client_as_supervisor, book_data):
    rows = _csv(client_as_supervisor, "save-value")
    assert ["Free visit", "1", "1.0000", "30000", "80000", "-50000"] in rows


def test_request_export_lists_every_closed_request(client_as_supervisor, outcomes):
    rows = _csv(client_as_supervisor, "requests")
    assert len(rows) == 1 + 4
    assert sorted(row[2] for row in rows[1:]) == ["cancelled", "retained", "retained", "retained"]


def test_csv_never_lets_a_value_become_a_formula(client_as_supervisor, reason):
    sneaky = UserFactory(
        username="sneaky", first_name="=HYPERLINK(evil)", last_name="", role="agent"
    )
    contract = ContractFactory(customer=CustomerFactory(name="=1+2"))
    _cancel(
        sneaky,
        reason,
        "competitor_cheaper",
        contract=contract,
        competitor="@SUM(A1)",
        offer_note="-3+4",
    )
    facts_refresh()
    exported = _csv(client_as_supervisor, "requests")
    assert exported[1][3] == "'=1+2"
    assert exported[1][4] == "'=HYPERLINK(evil)"
    rivals = _csv(client_as_supervisor, "competitors")
    assert rivals[1][0] == "'@SUM(A1)" and rivals[1][2] == "'-3+4"
    assert not any(cell.startswith(("=", "@", "+", "-")) for row in exported for cell in row)


def test_unknown_csv_is_404(client_as_supervisor):
    response = client_as_supervisor.get(reverse("dashboard_csv", args=["shoe-size"]))
    assert response.status_code == 404


def test_coaching_scores_each_agent_by_the_surveys_of_their_calls(outcomes, agent, reason):
    """The survey of a call counts for the agent who handled it (copied onto the survey)."""
    from calls.choices import CallTaskKind
    from calls.services.surveys import survey_answer, survey_invite_for_call
    from cancellations.models import CancellationRequest
    from tests.calls.helpers import plan_call

    request = CancellationRequest.objects.filter(agent=agent).first()
    other = _open(UserFactory(role="agent"), reason, "fee_burden")
    scores = {}
    for handled, csat in ((request, 5), (request, 3), (other, 1)):
        call = plan_call(
            handled.customer,
            kind=CallTaskKind.SURVEY,
            key=f"coaching-survey:{handled.pk}:{csat}",
            cancellation_request_id=handled.pk,
        )
        survey = survey_invite_for_call(task=call)
        assert survey.agent_id == handled.agent_id
        survey_answer(token=survey.token, csat=csat)
        scores.setdefault(handled.agent_id, []).append(csat)
    rows = {r["key"]: r for r in coaching_by_agent(Filters.from_query({}))}
    assert (rows[agent.pk]["score"], rows[agent.pk]["answered"]) == (4, 2)
    only_mine = coaching_by_agent(Filters.from_query({"agent": str(agent.pk)}))
    assert [(r["key"], r["answered"]) for r in only_mine] == [(agent.pk, 2)]
