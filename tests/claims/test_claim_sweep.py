"""The claims sweep (Celery beat, every minute): claims past the promised deadline or idle too
long for their step are flagged for a supervisor exactly once, and the customer of a claim in
progress hears from us every few days, one call per interval however often the sweep runs.
Time is moved with time-machine from a fixed moment, T0."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from calls.choices import CallTaskKind, CallTaskStatus
from claims.choices import ClaimState, FlagReason
from claims.services.post_handling import claim_set_deadline, claims_sweep
from claims.services.steps import claim_apologize, claim_close, claim_listen
from claims.tasks import claims_sweep_task
from core.errors import ServiceError
from tests.claims.helpers import T0, audit, fresh, take

pytestmark = pytest.mark.django_db
S = ClaimState
NOTHING = {"past_deadline": 0, "idle": 0, "interim_contacts": 0}
INTERVAL = timedelta(days=settings.CLAIMS_INTERIM_CONTACT_DAYS)


def _flags(claim) -> list[dict]:
    return list(audit(claim).filter(action="flag").values_list("data", flat=True))


def _interim_calls(claim):
    return claim.call_tasks.filter(kind=CallTaskKind.CLAIM_INTERIM).order_by("due_at")


# ---- past the promised deadline --------------------------------------------------------------


def test_a_claim_past_its_deadline_is_flagged_once_however_often_the_sweep_runs(clock, walk, agent):
    claim = walk(S.CAUSE_IDENTIFIED)  # idle only after 24 hours
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=3))
    first_sweep = T0 + timedelta(hours=3, minutes=1)
    clock.move_to(first_sweep)

    counts = [claims_sweep()]
    for minutes in range(1, 4):
        clock.move_to(first_sweep + timedelta(minutes=minutes))
        counts.append(claims_sweep())

    assert counts == [{**NOTHING, "past_deadline": 1}, NOTHING, NOTHING, NOTHING]
    flagged = fresh(claim)
    assert flagged.flagged_at == first_sweep
    assert flagged.flag_reason == FlagReason.DEADLINE
    assert flagged.is_overdue is True
    assert _flags(claim) == [{"reason": "deadline"}]
    entry = audit(claim).get(action="flag")
    assert (entry.at, entry.user) == (first_sweep, None)


def test_a_claim_before_its_deadline_is_left_alone(clock, walk, agent):
    claim = walk(S.CAUSE_IDENTIFIED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=3))
    clock.move_to(T0 + timedelta(hours=2, minutes=59))

    assert claims_sweep() == NOTHING
    assert fresh(claim).flagged_at is None
    assert _flags(claim) == []


def test_a_claim_both_idle_and_past_its_deadline_is_flagged_once_for_the_deadline(
    clock, walk, agent
):
    claim = walk(S.APOLOGIZED)  # idle after 2 hours
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=1))
    clock.move_to(T0 + timedelta(hours=5))

    assert claims_sweep() == {**NOTHING, "past_deadline": 1}
    assert claims_sweep() == NOTHING
    assert fresh(claim).flag_reason == FlagReason.DEADLINE
    assert _flags(claim) == [{"reason": "deadline"}]


def test_an_agents_step_does_not_clear_a_deadline_flag(clock, walk, agent):
    claim = walk(S.CAUSE_IDENTIFIED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=1))
    clock.move_to(T0 + timedelta(hours=2))
    claims_sweep()

    take("plan_countermeasure", claim, user=agent)

    kept = fresh(claim)
    assert kept.state == S.COUNTERMEASURE_PLANNED
    assert kept.flag_reason == FlagReason.DEADLINE  # the promise is still broken
    assert kept.flagged_at == T0 + timedelta(hours=2)


# ---- idle for the step -----------------------------------------------------------------------


@pytest.mark.parametrize(("state", "hours"), sorted(settings.CLAIMS_IDLE_HOURS.items()))
def test_a_claim_idle_longer_than_its_steps_limit_is_flagged_idle(clock, walk, state, hours):
    claim = walk(state)
    limit = T0 + timedelta(hours=hours)

    clock.move_to(limit - timedelta(minutes=1))
    assert claims_sweep()["idle"] == 0
    assert fresh(claim).flagged_at is None

    clock.move_to(limit + timedelta(minutes=1))
    assert claims_sweep()["idle"] == 1
    assert claims_sweep()["idle"] == 0

    flagged = fresh(claim)
    assert flagged.flagged_at == limit + timedelta(minutes=1)
    assert flagged.flag_reason == FlagReason.IDLE
    assert flagged.state == state
    assert _flags(claim) == [{"reason": "idle"}]


def test_every_open_step_has_an_idle_limit():
    assert set(settings.CLAIMS_IDLE_HOURS) == set(S.values) - {S.CLOSED}


@pytest.mark.parametrize("limits", [{S.RECEIVED: 1}, {}], ids=["only the received step", "no step"])
def test_a_step_without_an_idle_limit_is_never_flagged_idle(clock, walk, settings, limits):
    settings.CLAIMS_IDLE_HOURS = limits
    claim = walk(S.EXECUTED)
    clock.move_to(T0 + timedelta(days=30))

    assert claims_sweep()["idle"] == 0
    assert fresh(claim).flagged_at is None


def test_an_agents_step_on_an_idle_claim_clears_the_flag_and_restarts_the_clock(clock, walk, agent):
    claim = walk(S.RECEIVED)
    clock.move_to(T0 + timedelta(hours=2))
    assert claims_sweep()["idle"] == 1

    clock.move_to(T0 + timedelta(hours=3))
    claim_apologize(claim_id=claim.pk, user=agent)

    kept = fresh(claim)
    assert (kept.flagged_at, kept.flag_reason) == (None, "")
    assert kept.last_activity_at == T0 + timedelta(hours=3)
    assert kept.is_overdue is False
    # the apologized step's own limit (2 hours) starts from the step
    clock.move_to(T0 + timedelta(hours=4, minutes=59))
    assert claims_sweep()["idle"] == 0
    clock.move_to(T0 + timedelta(hours=5, minutes=1))
    assert claims_sweep()["idle"] == 1
    assert _flags(claim) == [{"reason": "idle"}, {"reason": "idle"}]


def test_a_refused_step_does_not_clear_an_idle_flag(clock, walk, agent):
    claim = walk(S.APOLOGIZED)
    clock.move_to(T0 + timedelta(hours=3))
    claims_sweep()

    with pytest.raises(ServiceError, match="account"):
        claim_listen(claim_id=claim.pk, user=agent, account="")

    kept = fresh(claim)
    assert kept.flag_reason == FlagReason.IDLE
    assert kept.last_activity_at == T0


# ---- closed claims ---------------------------------------------------------------------------


def test_a_closed_claim_is_never_flagged_nor_called_in_between(clock, walk, agent):
    claim = walk(S.EXECUTED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=1))
    claim_close(claim_id=claim.pk, user=agent, recovery_outcome="recovered", thanked=True)

    for days in (1, 3, 10, 40):
        clock.move_to(T0 + timedelta(days=days))
        assert claims_sweep() == NOTHING

    closed = fresh(claim)
    assert (closed.flagged_at, closed.flag_reason) == (None, "")
    assert _flags(claim) == []
    assert not _interim_calls(claim).exists()


# ---- interim contacts ------------------------------------------------------------------------


def test_a_claim_in_progress_gets_one_interim_call_per_interval(clock, walk, agent, contract):
    claim = walk(S.APOLOGIZED)

    clock.move_to(T0 + INTERVAL - timedelta(minutes=1))
    assert claims_sweep()["interim_contacts"] == 0
    assert not _interim_calls(claim).exists()

    clock.move_to(T0 + INTERVAL)
    assert claims_sweep()["interim_contacts"] == 1
    for minutes in (1, 5, 60):
        clock.move_to(T0 + INTERVAL + timedelta(minutes=minutes))
        assert claims_sweep()["interim_contacts"] == 0
    (call,) = _interim_calls(claim)
    assert call.due_at == T0 + INTERVAL
    assert call.assignee == agent
    assert (call.customer_id, call.contract_id) == (contract.customer_id, contract.pk)
    assert call.status == CallTaskStatus.SCHEDULED
    kept = fresh(claim)
    assert kept.interim_contacts == 1
    assert kept.next_contact_due == T0 + 2 * INTERVAL

    clock.move_to(T0 + 2 * INTERVAL)
    claims_sweep()
    claims_sweep()
    assert list(_interim_calls(claim).values_list("due_at", flat=True)) == [
        T0 + INTERVAL,
        T0 + 2 * INTERVAL,
    ]
    assert fresh(claim).interim_contacts == 2


def test_a_late_sweep_plans_one_interim_call_not_one_per_missed_interval(clock, walk):
    claim = walk(S.LISTENED)
    late = T0 + 3 * INTERVAL + timedelta(hours=5)
    clock.move_to(late)

    assert claims_sweep()["interim_contacts"] == 1
    assert claims_sweep()["interim_contacts"] == 0
    assert _interim_calls(claim).count() == 1
    assert fresh(claim).next_contact_due == late + INTERVAL


def test_interim_calls_are_counted_as_rows_not_by_the_sweep(clock, walk):
    """Repeated sweeps, and sweeps of several claims, never plan a call twice."""
    claims = [walk(S.APOLOGIZED) for _ in range(3)]
    for hours in range(0, 50, 6):
        clock.move_to(T0 + INTERVAL + timedelta(hours=hours))
        claims_sweep()
    for claim in claims:
        assert _interim_calls(claim).count() == 2  # at T0+2d and T0+4d
        assert fresh(claim).interim_contacts == 2


# ---- the Celery task -------------------------------------------------------------------------


@pytest.mark.parametrize("call", ["run", "call"])
def test_the_celery_task_sweeps_and_returns_the_counts(clock, walk, agent, call):
    past_deadline = walk(S.CAUSE_IDENTIFIED)
    claim_set_deadline(claim_id=past_deadline.pk, user=agent, deadline=T0 + timedelta(hours=1))
    idle = walk(S.RECEIVED)
    clock.move_to(T0 + INTERVAL)  # the claim in progress is also due an interim call
    task = claims_sweep_task.run if call == "run" else claims_sweep_task

    assert task() == {"past_deadline": 1, "idle": 1, "interim_contacts": 1}  # not the received one
    assert task() == NOTHING
    assert fresh(past_deadline).flag_reason == FlagReason.DEADLINE
    assert fresh(idle).flag_reason == FlagReason.IDLE


# ---- queries ---------------------------------------------------------------------------------


def _flagging_queries(clock, walk, agent, how_many: int) -> int:
    for _ in range(how_many):
        claim = walk(S.CAUSE_IDENTIFIED)
        claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=1))
    clock.move_to(T0 + timedelta(hours=2))
    with CaptureQueriesContext(connection) as queries:
        assert claims_sweep()["past_deadline"] == how_many
    clock.move_to(T0)
    return len(queries)


def test_flagging_many_claims_takes_as_many_queries_as_flagging_one(clock, walk, agent):
    one = _flagging_queries(clock, walk, agent, 1)
    ten = _flagging_queries(clock, walk, agent, 10)
    assert ten == one
