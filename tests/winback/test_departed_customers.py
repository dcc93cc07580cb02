"""Departed customers considered once, valued and segmented by tier, the top two tiers
called, daily and in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.choices import CallQueue, CallTaskKind, CallTaskStatus
from calls.models import CallTask
from calls.services.taking import call_task_claim
from tests.calls.helpers import departed
from tests.factories import ContractFactory
from tests.winback.helpers import win_back_call_for, win_back_case_for
from winback.choices import WinBackOutcome, WinBackTier
from winback.models import WinBackCase
from winback.services.winback import win_back_consider, win_back_declined
from winback.tasks import win_back_daily_task

pytestmark = pytest.mark.django_db

K = CallTaskKind

S = CallTaskStatus

W = WinBackOutcome


# ---- considering departed customers ----------------------------------------------------------


def test_departed_customers_are_valued_tiered_and_the_top_two_tiers_called(clock):
    now = timezone.now()
    left = {
        # value = monthly fee x whole months from start to cancellation + lifetime revenue
        "top": (departed(monthly_fee=50_000, months=40, lifetime_revenue=1_500_000), 3_500_000),
        "top_edge": (departed(monthly_fee=100_000, months=30), 3_000_000),
        "middle_edge": (
            departed(monthly_fee=30_000, months=20, lifetime_revenue=400_000),
            1_000_000,
        ),
        "middle_part_month": (  # 11 months and 20 days count as 11
            departed(monthly_fee=40_000, months=11, extra_days=20, lifetime_revenue=1_600_000),
            2_040_000,
        ),
        "rest_edge": (
            departed(monthly_fee=30_000, months=33, lifetime_revenue=9_999),
            999_999,
        ),
        "do_not_call": (
            departed(monthly_fee=100_000, months=50, lifetime_revenue=5_000_000, do_not_call=True),
            10_000_000,
        ),
        "left_exactly_30_days_ago": (departed(monthly_fee=10_000, months=10, days_ago=30), 100_000),
    }
    recent = departed(monthly_fee=100_000, months=40, days_ago=29)
    still_active = ContractFactory(monthly_fee=100_000)

    summary = win_back_consider()

    assert summary == {"considered": 7, "calls": 4, "top": 2, "middle": 2, "rest": 3}
    expected = {
        "top": (WinBackTier.TOP, W.PENDING, CallQueue.SUPERVISORS),
        "top_edge": (WinBackTier.TOP, W.PENDING, CallQueue.SUPERVISORS),
        "middle_edge": (WinBackTier.MIDDLE, W.PENDING, CallQueue.SPECIALISTS),
        "middle_part_month": (WinBackTier.MIDDLE, W.PENDING, CallQueue.SPECIALISTS),
        "rest_edge": (WinBackTier.REST, W.NOT_CALLED, None),
        "do_not_call": (WinBackTier.REST, W.NOT_CALLED, None),
        "left_exactly_30_days_ago": (WinBackTier.REST, W.NOT_CALLED, None),
    }
    for name, (contract, value) in left.items():
        tier, outcome, queue = expected[name]
        case = win_back_case_for(contract)
        assert (case.value, case.tier, case.outcome) == (value, tier, outcome), name
        assert (case.customer_id, case.departed_on) == (contract.customer_id, contract.cancelled_on)
        calls = CallTask.objects.filter(contract=contract)
        if queue is None:
            assert not calls.exists(), name
            continue
        call = calls.get()
        assert (call.kind, call.queue, call.status, call.win_back) == (
            K.WIN_BACK,
            queue,
            S.SCHEDULED,
            case,
        ), name
        assert (call.due_at, call.priority, call.assignee) == (now, value, None), name
    assert not WinBackCase.objects.filter(contract__in=[recent, still_active]).exists()


def test_considering_again_considers_nobody_twice_and_plans_no_second_call(clock):
    early = departed(monthly_fee=100_000, months=40)
    recent = departed(monthly_fee=50_000, months=30, days_ago=29)  # middle tier, tomorrow
    assert win_back_consider()["considered"] == 1

    clock.shift(timedelta(hours=1))
    assert win_back_consider() == {"considered": 0, "calls": 0}
    clock.shift(timedelta(days=1))
    assert win_back_consider() == {"considered": 1, "calls": 1, "middle": 1}
    clock.shift(timedelta(days=1))
    assert win_back_consider() == {"considered": 0, "calls": 0}

    assert WinBackCase.objects.count() == 2
    assert CallTask.objects.filter(kind=K.WIN_BACK, contract=early).count() == 1
    assert CallTask.objects.filter(kind=K.WIN_BACK, contract=recent).count() == 1


def test_a_case_closed_before_the_next_run_is_not_called_again(clock, supervisor):
    contract = departed(monthly_fee=100_000, months=40)
    win_back_consider()
    call = win_back_call_for(contract)
    call_task_claim(call_task_id=call.pk, user=supervisor)
    win_back_declined(call_task_id=call.pk, user=supervisor)
    clock.shift(timedelta(days=1))

    assert win_back_consider()["considered"] == 0
    assert CallTask.objects.filter(kind=K.WIN_BACK).count() == 1
    assert win_back_case_for(contract).outcome == W.DECLINED


def test_the_daily_task_considers_the_departed(clock):
    departed(monthly_fee=100_000, months=40)
    departed(monthly_fee=1_000, months=2)
    assert win_back_daily_task() == {"considered": 2, "calls": 1, "top": 1, "rest": 1}
    clock.shift(timedelta(days=1))  # beat runs it daily
    assert win_back_daily_task() == {"considered": 0, "calls": 0}


@pytest.mark.parametrize("departures", [3, 60])
def test_considering_costs_the_same_few_queries_however_many_departed(
    clock, django_assert_max_num_queries, departures
):
    for n in range(departures):
        departed(monthly_fee=30_000 + 1_000 * n, months=40)
    with django_assert_max_num_queries(5):
        summary = win_back_consider()
    assert summary["considered"] == departures
