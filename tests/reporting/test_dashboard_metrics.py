"""Dashboard metrics on one hand-built data set (`dashboard_data.book`) whose answers are
worked out here by hand: claims, coaching, offers used per agent, the weekly reason
trend."""

from datetime import date

import pytest

from reporting.analytics.claims import claim_step_times, claims_by_cause, claims_summary
from reporting.analytics.coaching import coaching_by_agent, offers_by_agent
from reporting.analytics.reasons import reason_trend
from tests.reporting.helpers import filters_all

pytestmark = pytest.mark.django_db


# ---- claims ---------------------------------------------------------------------------------


def test_claims_by_root_cause_escalations_deadlines_compensation_cancellations(data):
    """Two product defects (one escalated, deadlines one met and one missed, KRW 50,000
    compensation, one led to a cancellation) and a billing claim without a deadline."""
    rows = claims_by_cause(filters_all())
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
    summary = claims_summary(filters_all())
    assert summary["n"] == 3
    assert summary["escalation_rate"] == 1 / 3
    assert summary["deadline_rate"] == 1 / 2
    assert summary["compensation"] == 60000
    assert (summary["cancelled"], summary["cancel_rate"]) == (1, 1 / 3)


def test_claims_summary_of_an_empty_period_is_zero_not_an_error(data):
    summary = claims_summary(filters_all(**{"from": "2020-01-01", "to": "2020-01-31"}))
    assert (summary["n"], summary["compensation"], summary["escalation_rate"]) == (0, 0, None)


def test_claim_time_per_step_averages_only_the_claims_that_went_through_it(data):
    steps = {r["key"]: r["seconds"] for r in claim_step_times(filters_all())}
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
    rows = coaching_by_agent(filters_all())
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
    rows = offers_by_agent(filters_all())
    assert [
        (r["agent"], r["code"], r["label"], r["presented"], r["accepted"], r["rate"]) for r in rows
    ] == [
        ("Alice Kim", "FEE", "Fee cut", 1, 1, 1.0),
        ("Alice Kim", "FEE-B", "Fee cut B", 1, 1, 1.0),
        ("Bob Lee", "FEE", "Fee cut", 1, 0, 0.0),
        ("Bob Lee", "VISIT", "Free visit", 1, 0, 0.0),
    ]
    only_bob = offers_by_agent(filters_all(agent=str(data.bob.pk)))
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
    rows = {(r["agent"], r["code"]): r for r in offers_by_agent(filters_all())}
    assert (rows["Alice Kim", "FEE"]["presented"], rows["Alice Kim", "FEE"]["accepted"]) == (3, 1)
    assert (rows["Alice Kim", "VISIT"]["presented"], rows["Alice Kim", "VISIT"]["accepted"]) == (
        2,
        2,
    )


# ---- why they leave: the weekly trend ------------------------------------------------------


def test_reason_trend_counts_each_leading_reason_per_week(data):
    """Cancellations: product quality twice this week, a cheaper competitor last week."""
    trend = reason_trend(filters_all())
    assert trend["weeks"][0] == "2025-03-17"  # the Monday of the week the period starts in
    assert trend["weeks"][-2:] == ["2025-06-09", "2025-06-16"]
    assert len(trend["weeks"]) == 14  # every week, with or without cancellations
    series = {s["label"]: s["data"] for s in trend["series"]}
    assert list(series) == ["Product quality or performance", "A competitor is cheaper"]
    assert series["Product quality or performance"][-2:] == [0, 2]
    assert series["A competitor is cheaper"][-2:] == [1, 0]
    assert sum(series["Product quality or performance"]) == 2


def test_reason_trend_keeps_only_the_leading_reasons(data):
    trend = reason_trend(filters_all(), top=1)
    assert [s["label"] for s in trend["series"]] == ["Product quality or performance"]
