"""A claim's refusals: every illegal step with nothing changed, each guard both ways, who
may act, and a stale copy."""

from datetime import timedelta

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from claims.choices import ClaimState, RootCause
from claims.services.opening import claim_open
from claims.services.post_handling import claim_set_deadline
from claims.services.steps import (
    claim_apologize,
    claim_identify_cause,
    claim_instruct,
    claim_listen,
)
from core.errors import Conflict, NotPermitted, ServiceError
from tests.claims.helpers import (
    ACCOUNT,
    ESCALATION,
    INSTRUCTION,
    MACHINE,
    PLAN,
    SUPERVISOR_STEPS,
    actions,
    audit_last,
    fresh,
    response_for,
    snapshot,
    take,
    trail,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ClaimState


AGENT_STEPS = [step for step in MACHINE if step not in SUPERVISOR_STEPS]


ILLEGAL = [
    (state, step)
    for step, (sources, _target) in MACHINE.items()
    for state in ClaimState.values
    if state not in sources
]

# ---- every illegal step ----------------------------------------------------------------------


@pytest.mark.parametrize(("state", "step"), ILLEGAL)
def test_each_illegal_step_is_refused_and_changes_nothing(walk, agent, supervisor, state, step):
    claim = walk(state)
    user = supervisor if step in SUPERVISOR_STEPS else agent
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(ServiceError) as refused:
        take(step, claim, user=user)

    assert refused.value.code == "illegal_transition"
    assert "not possible" in str(refused.value)
    assert str(S(state).label) in str(refused.value)  # the agent is told where the claim is
    assert snapshot(claim) == before
    assert trail(claim) == audit_before


def test_nothing_can_be_done_to_a_closed_claim(walk, agent, supervisor):
    claim = walk(S.CLOSED)
    before, audit_before = snapshot(claim), trail(claim)
    for step in MACHINE:
        with pytest.raises(ServiceError, match="not possible"):
            take(step, claim, user=supervisor if step in SUPERVISOR_STEPS else agent)
    with pytest.raises(ServiceError, match="This claim is closed"):
        claim_set_deadline(
            claim_id=claim.pk, user=agent, deadline=fresh(claim).closed_at + timedelta(days=30)
        )
    assert snapshot(claim) == before
    assert trail(claim) == audit_before


def test_a_step_on_an_unknown_claim_is_a_clear_error(agent):
    with pytest.raises(ServiceError, match="That claim does not exist"):
        claim_apologize(claim_id=987654321, user=agent)


# ---- guards, both ways -----------------------------------------------------------------------

GUARDS = [
    # (state, step, input that fails, refusal message)
    (S.APOLOGIZED, "listen", {"account": ""}, "Record the customer's account in their own words."),
    (
        S.APOLOGIZED,
        "listen",
        {"account": " \n "},
        "Record the customer's account in their own words.",
    ),
    (S.LISTENED, "identify_cause", {"root_cause": ""}, "Choose a root cause from the list."),
    (S.LISTENED, "identify_cause", {"root_cause": "weather"}, "Choose a root cause from the list."),
    (S.LISTENED, "identify_cause", {"description": "  "}, "Choose the root cause and describe it."),
    (S.CAUSE_IDENTIFIED, "plan_countermeasure", {"plan": " "}, "Write down the countermeasure."),
    (S.CAUSE_IDENTIFIED, "escalate", {"note": ""}, "Say why it cannot be solved on the spot."),
    (
        S.COUNTERMEASURE_PLANNED,
        "escalate",
        {"note": "  "},
        "Say why it cannot be solved on the spot.",
    ),
    (S.ESCALATED, "instruct", {"instruction": " "}, "Write the instruction for the agent."),
    (
        S.COUNTERMEASURE_PLANNED,
        "present_solution",
        {"response": ""},
        "Record whether the customer agreed or objected.",
    ),
    (
        S.COUNTERMEASURE_PLANNED,
        "present_solution",
        {"response": "maybe"},
        "Record whether the customer agreed or objected.",
    ),
    (S.SOLUTION_PRESENTED, "execute", {"what_was_done": ""}, "Record what was done."),
    (
        S.EXECUTED,
        "close",
        {"recovery_outcome": ""},
        "Record the product recovery: recovered, or nothing to recover.",
    ),
    (
        S.EXECUTED,
        "close",
        {"recovery_outcome": "lost in the post"},
        "Record the product recovery: recovered, or nothing to recover.",
    ),
    (
        S.EXECUTED,
        "close",
        {"thanked": False},
        "Record the product recovery and thank the customer before closing.",
    ),
    (
        S.SOLUTION_PRESENTED,
        "revise_countermeasure",
        {},  # the customer agreed: there is nothing to revise
        "Only a solution the customer objected to is revised.",
    ),
]


@pytest.mark.parametrize(("state", "step", "bad", "message"), GUARDS)
def test_a_guard_refuses_the_step_with_its_message_and_saves_none_of_the_input(
    walk, agent, supervisor, state, step, bad, message
):
    claim = walk(state)
    user = supervisor if step in SUPERVISOR_STEPS else agent
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(ServiceError) as refused:
        take(step, claim, user=user, **bad)

    assert type(refused.value) is ServiceError
    assert str(refused.value) == message
    assert snapshot(claim) == before
    assert trail(claim) == audit_before


@pytest.mark.parametrize(
    ("state", "step", "bad"),
    [
        (state, step, bad)
        for state, step, bad, _message in GUARDS
        if step != "revise_countermeasure"
    ],
)
def test_with_the_missing_input_given_the_same_step_goes_through(
    walk, agent, supervisor, state, step, bad
):
    claim = walk(state)
    user = supervisor if step in SUPERVISOR_STEPS else agent
    with pytest.raises(ServiceError):
        take(step, claim, user=user, **bad)

    take(step, claim, user=user)

    assert fresh(claim).state == MACHINE[step][1]
    assert actions(claim)[-1] == step


def test_identify_cause_with_a_valid_root_cause_but_no_description_keeps_no_root_cause(walk, agent):
    claim = walk(S.LISTENED)
    with pytest.raises(ServiceError, match="describe it"):
        claim_identify_cause(
            claim_id=claim.pk, user=agent, root_cause=RootCause.BILLING, description=""
        )
    assert fresh(claim).root_cause == ""


# ---- who may act -----------------------------------------------------------------------------


@pytest.mark.parametrize("step", AGENT_STEPS)
def test_another_agent_cannot_take_a_step_on_my_claim(walk, stranger, step):
    source = sorted(MACHINE[step][0])[0]
    claim = walk(source, response=response_for(step))
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(NotPermitted):
        take(step, claim, user=stranger)

    assert snapshot(claim) == before
    assert trail(claim) == audit_before


@pytest.mark.parametrize("step", AGENT_STEPS)
def test_a_supervisor_may_take_any_step_on_an_agents_claim(walk, supervisor, step):
    source = sorted(MACHINE[step][0])[0]
    claim = walk(source, response=response_for(step))

    take(step, claim, user=supervisor)

    assert fresh(claim).state == MACHINE[step][1]
    entry = audit_last(claim)
    assert (entry.action, entry.user) == (step, supervisor)
    assert fresh(claim).agent_id != supervisor.pk  # the claim stays the agent's


@pytest.mark.parametrize("who", ["the handling agent", "another agent"])
def test_only_supervisors_instruct(walk, agent, stranger, who):
    claim = walk(S.ESCALATED)
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(NotPermitted):
        claim_instruct(
            claim_id=claim.pk,
            user=agent if who == "the handling agent" else stranger,
            instruction=INSTRUCTION,
        )

    assert snapshot(claim) == before
    assert trail(claim) == audit_before


def test_a_supervisor_cannot_instruct_on_a_claim_they_handle_themselves(
    walk, supervisor, other_supervisor
):
    claim = walk(S.ESCALATED, user=supervisor)
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(NotPermitted):
        claim_instruct(claim_id=claim.pk, user=supervisor, instruction=INSTRUCTION)
    assert snapshot(claim) == before
    assert trail(claim) == audit_before

    # another team lead answers it
    claim_instruct(claim_id=claim.pk, user=other_supervisor, instruction=INSTRUCTION)
    assert fresh(claim).instructed_by == other_supervisor


def test_a_user_with_no_role_cannot_open_claims(contract):
    nobody = UserFactory(username="nobody")
    with pytest.raises(NotPermitted):
        claim_open(customer_id=contract.customer_id, user=nobody, subject="The purifier leaks")


def test_catalog_admins_cannot_take_steps_on_claims(walk, catalog_admin):
    claim = walk(S.RECEIVED)
    with pytest.raises(NotPermitted):
        claim_apologize(claim_id=claim.pk, user=catalog_admin)
    assert fresh(claim).state == S.RECEIVED


def test_another_agent_cannot_promise_a_deadline_on_my_claim(walk, stranger):
    claim = walk(S.APOLOGIZED)
    with pytest.raises(NotPermitted):
        claim_set_deadline(
            claim_id=claim.pk,
            user=stranger,
            deadline=fresh(claim).received_at + timedelta(days=400),
        )
    assert fresh(claim).promised_deadline is None


# ---- a stale copy ----------------------------------------------------------------------------


def test_a_step_against_a_state_someone_else_moved_on_is_a_conflict(walk, agent, supervisor):
    claim = walk(S.RECEIVED)
    claim_apologize(claim_id=claim.pk, user=supervisor, expected_state=S.RECEIVED)
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(Conflict) as refused:
        claim_apologize(claim_id=claim.pk, user=agent, expected_state=S.RECEIVED)

    assert "Someone else changed this claim" in str(refused.value)
    assert "Apologised" in str(refused.value)
    assert snapshot(claim) == before
    assert trail(claim) == audit_before


def test_a_step_with_the_state_the_caller_saw_goes_through(walk, agent):
    claim = walk(S.APOLOGIZED)
    claim_listen(claim_id=claim.pk, user=agent, account=ACCOUNT, expected_state=S.APOLOGIZED)
    assert fresh(claim).state == S.LISTENED


def test_a_stale_copy_cannot_save_a_transition_over_a_newer_state(walk):
    claim = walk(S.CAUSE_IDENTIFIED)
    first, second = fresh(claim), fresh(claim)
    first.countermeasure_plan = PLAN
    first.plan_countermeasure()
    first.save()

    second.escalation_note = ESCALATION
    second.escalate()  # legal from the state this copy last saw
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()

    kept = fresh(claim)
    assert kept.state == S.COUNTERMEASURE_PLANNED
    assert kept.escalation_note == ""
