"""The dashboards' figures on hand-built data whose answer is known: save rate, save
quality, why customers leave, win-back, satisfaction and coaching."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from calls.models import Survey
from cancellations.services.offers import offer_accept, offer_approve, offer_present
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
from reporting.analytics.winback import win_back_funnel, win_back_summary
from reporting.models import RequestFact
from reporting.services.facts import facts_refresh
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.reporting.helpers import call_cancelled, call_opened, call_saved
from winback.models import WinBackCase

pytestmark = pytest.mark.django_db


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
    call_saved(alice, reason, "fee_burden", fee_offer)
    call_cancelled(bob, reason, "fee_burden")
    facts_refresh()
    by_team = {row["label"]: row["rate"] for row in save_rate_by(Filters.from_query({}), "team")}
    assert by_team == {"Red": 1.0, "Blue": 0.0}
    assert save_rate_total(Filters.from_query({"team": blue.pk}))["cancelled"] == 1


def test_figures_wait_for_the_refresh_and_are_counted_once(agent, reason, fee_offer):
    call_saved(agent, reason, "fee_burden", fee_offer)
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
            call_saved(agent, reason, "fee_burden", fee_offer, contract=contract)
    for contract, days_later in zip(contracts, (60, 150, 330), strict=False):
        with time_machine.travel(now - timedelta(days=395 - days_later)):
            call_cancelled(agent, reason, "fee_burden", contract=contract)
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
        request = call_opened(agent, reason, "fee_burden", contract=contract)
        offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
        supervisor = UserFactory(username="boss", role="supervisor")
        offer_approve(request_id=request.pk, user=supervisor)
        offer_accept(request_id=request.pk, user=agent)
    call_cancelled(agent, reason, "fee_burden", contract=contract)
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
            call_cancelled(
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
            call_cancelled(agent, reason, "fee_burden")
            for _ in range(3):
                call_cancelled(agent, reason, "product_quality")
    for _ in range(3):  # this week: fee_burden 3 of 4 (75%)
        call_cancelled(agent, reason, "fee_burden")
    call_cancelled(agent, reason, "product_quality")
    facts_refresh(full=True)  # closed in the past: the nightly run copies it
    spikes = reason_spikes(Filters.from_query({}))
    assert [s["key"] for s in spikes] == [reason("fee_burden").pk]
    assert spikes[0]["share_now"] == 0.75 and spikes[0]["share_before"] == 0.25


def test_no_spike_when_shares_hold_steady(agent, reason):
    for weeks_ago in (2, 1, 0):
        with time_machine.travel(timezone.now() - timedelta(days=7 * weeks_ago)):
            call_cancelled(agent, reason, "fee_burden")
            call_cancelled(agent, reason, "product_quality")
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


def test_coaching_scores_each_agent_by_the_surveys_of_their_calls(outcomes, agent, reason):
    """The survey of a call counts for the agent who handled it (copied onto the survey)."""
    from calls.choices import CallTaskKind
    from calls.services.surveys import survey_answer, survey_invite_for_call
    from cancellations.models import CancellationRequest
    from tests.calls.helpers import plan_call

    request = CancellationRequest.objects.filter(agent=agent).first()
    other = call_opened(UserFactory(role="agent"), reason, "fee_burden")
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
