"""Two people on one claim, two sweeps at once: real threads on real database connections,
decided by PostgreSQL's row locks. Exactly one step wins; the other is refused with nothing
changed, and a claim is flagged, or called in between, once."""

import threading
from datetime import timedelta

import pytest
from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone

from calls.choices import CallTaskKind
from claims.choices import ClaimState, FlagReason
from claims.models import Claim
from claims.services import post_handling
from claims.services.post_handling import claim_set_deadline, claims_sweep
from claims.services.steps import claim_apologize, claim_escalate, claim_plan
from core.errors import Conflict
from tests.claims.helpers import ESCALATION, PLAN, actions, audit, fresh
from tests.concurrency import SECONDS
from tests.concurrency import race as _race
from tests.concurrency import the_winner as _the_winner

S = ClaimState
threaded = pytest.mark.django_db(transaction=True)


# ---- racing threads --------------------------------------------------------------------------


def _locked(claim) -> QuerySet:
    return Claim.objects.filter(pk=claim.pk)


def _history(claim) -> QuerySet:
    return apps.get_model("claims", "ClaimEvent").objects.filter(pgh_obj_id=claim.pk)


# ---- two people, one step --------------------------------------------------------------------


@threaded
def test_two_people_apologizing_at_once_apologize_once(walk, agent, supervisor):
    claim = walk(S.RECEIVED)
    people = [agent, supervisor]

    outcomes = _race(
        *[
            lambda user=user: claim_apologize(
                claim_id=claim.pk, user=user, expected_state=S.RECEIVED
            )
            for user in people
        ],
        hold=_locked(claim),
    )

    winner = _the_winner(outcomes)
    loser = outcomes[1 - winner].error
    assert type(loser) is Conflict
    assert "Someone else changed this claim" in str(loser)
    assert "Apologised" in str(loser)
    assert fresh(claim).state == S.APOLOGIZED
    apologized = audit(claim).get(action="apologize")
    assert (apologized.source, apologized.target, apologized.user) == (
        S.RECEIVED,
        S.APOLOGIZED,
        people[winner],
    )
    assert _history(claim).filter(state=S.APOLOGIZED).count() == 1


@threaded
def test_two_people_escalating_at_once_escalate_once(walk, agent, supervisor):
    claim = walk(S.CAUSE_IDENTIFIED)
    people = [agent, supervisor]
    notes = [f"{ESCALATION} ({user.username})" for user in people]

    outcomes = _race(
        *[
            lambda user=user, note=note: claim_escalate(
                claim_id=claim.pk, user=user, note=note, expected_state=S.CAUSE_IDENTIFIED
            )
            for user, note in zip(people, notes, strict=True)
        ],
        hold=_locked(claim),
    )

    winner = _the_winner(outcomes)
    assert type(outcomes[1 - winner].error) is Conflict
    kept = fresh(claim)
    assert kept.state == S.ESCALATED
    assert kept.escalation_note == notes[winner]
    escalated = audit(claim).get(action="escalate")
    assert (escalated.user, escalated.note) == (people[winner], notes[winner])
    assert actions(claim).count("escalate") == 1


@threaded
def test_planning_and_escalating_at_once_take_exactly_one_of_the_two(walk, agent, supervisor):
    claim = walk(S.CAUSE_IDENTIFIED)
    steps = {
        "plan_countermeasure": lambda: claim_plan(
            claim_id=claim.pk, user=agent, plan=PLAN, expected_state=S.CAUSE_IDENTIFIED
        ),
        "escalate": lambda: claim_escalate(
            claim_id=claim.pk, user=supervisor, note=ESCALATION, expected_state=S.CAUSE_IDENTIFIED
        ),
    }

    outcomes = dict(zip(steps, _race(*steps.values(), hold=_locked(claim)), strict=True))

    won = [name for name, outcome in outcomes.items() if outcome.won]
    assert len(won) == 1, outcomes
    (lost,) = set(steps) - set(won)
    assert type(outcomes[lost].error) is Conflict
    kept = fresh(claim)
    assert (
        kept.state
        == {
            "plan_countermeasure": S.COUNTERMEASURE_PLANNED,
            "escalate": S.ESCALATED,
        }[won[0]]
    )
    # the loser's input was rolled back with its step
    if won == ["escalate"]:
        assert kept.countermeasure_plan == ""
    else:
        assert kept.escalation_note == ""
    assert actions(claim)[-1] == won[0]
    assert lost not in actions(claim)


# ---- two sweeps at once ----------------------------------------------------------------------


@pytest.fixture
def past_deadline(walk, agent):
    """A received claim promised for within the hour; sweeps below run two hours later."""
    claim = walk(S.RECEIVED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=timezone.now() + timedelta(hours=1))
    return fresh(claim)


@threaded
def test_two_sweeps_at_once_flag_a_past_deadline_claim_once(past_deadline):
    later = timezone.now() + timedelta(hours=2)

    outcomes = _race(*[lambda: claims_sweep(now=later)] * 2)

    assert all(outcome.won for outcome in outcomes), [o.error for o in outcomes]
    assert sum(outcome.value["past_deadline"] for outcome in outcomes) == 1
    assert sum(outcome.value["idle"] for outcome in outcomes) == 0
    kept = fresh(past_deadline)
    assert (kept.flagged_at, kept.flag_reason) == (later, FlagReason.DEADLINE)
    assert list(audit(past_deadline).filter(action="flag").values_list("data", flat=True)) == [
        {"reason": "deadline"}
    ]


@threaded
def test_two_sweeps_both_inside_their_transaction_still_flag_once(past_deadline, monkeypatch):
    """Both sweeps are held at the audit step, inside their transactions, until both have
    chosen what to flag: the second must skip the row the first has locked, not wait for it
    and not flag it again."""
    later = timezone.now() + timedelta(hours=2)
    both_chose = threading.Barrier(2, timeout=SECONDS)
    audit_flags = post_handling._audit_flags

    def audit_flags_when_both_chose(claim_ids, reason, now):
        if reason == FlagReason.DEADLINE:
            both_chose.wait()
        audit_flags(claim_ids, reason, now)

    monkeypatch.setattr(post_handling, "_audit_flags", audit_flags_when_both_chose)

    outcomes = _race(*[lambda: claims_sweep(now=later)] * 2)

    assert all(outcome.won for outcome in outcomes), [o.error for o in outcomes]
    assert sorted(outcome.value["past_deadline"] for outcome in outcomes) == [0, 1]
    assert fresh(past_deadline).flagged_at == later
    assert audit(past_deadline).filter(action="flag").count() == 1


@threaded
def test_two_sweeps_at_once_plan_an_interim_call_once(walk, monkeypatch):
    """The sweep that takes the claim is held while it plans the call, until the other sweep
    has finished looking: the other must skip the claim."""
    claim = walk(S.EXECUTED)  # idle only after 72 hours: the sweeps flag nothing
    later = fresh(claim).next_contact_due + timedelta(minutes=1)
    planning, other_done = threading.Event(), threading.Event()
    call_task_request, interim_plan = (
        post_handling.call_task_request,
        post_handling._interim_contacts_plan,
    )

    def plan_the_call_slowly(**kwargs):
        planning.set()
        if not other_done.wait(SECONDS):
            raise AssertionError("the other sweep never finished looking")
        return call_task_request(**kwargs)

    def plan_then_say_done(now):
        planned = interim_plan(now)
        if not planned:
            other_done.set()
        return planned

    monkeypatch.setattr(post_handling, "call_task_request", plan_the_call_slowly)
    monkeypatch.setattr(post_handling, "_interim_contacts_plan", plan_then_say_done)

    outcomes = _race(*[lambda: claims_sweep(now=later)] * 2)

    assert all(outcome.won for outcome in outcomes), [o.error for o in outcomes]
    assert planning.is_set() and other_done.is_set()
    assert sorted(outcome.value["interim_contacts"] for outcome in outcomes) == [0, 1]
    assert claim.call_tasks.filter(kind=CallTaskKind.CLAIM_INTERIM).count() == 1
    assert fresh(claim).interim_contacts == 1
