"""The seven steps of a claim through the services (SPEC §5): every legal step, a refusal for
every illegal one with nothing changed, each guard both ways, who may act, a stale copy, and
what the customer is told."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django_fsm import ConcurrentTransition

from claims.choices import ClaimState, CustomerResponse, CustomerStatus, RootCause
from claims.models import Claim
from claims.services.opening import claim_open
from claims.services.post_handling import claim_set_deadline
from claims.services.steps import (
    claim_apologize,
    claim_escalate,
    claim_execute,
    claim_identify_cause,
    claim_instruct,
    claim_listen,
    claim_present,
    claim_revise,
)
from core.errors import Conflict, NotPermitted, ServiceError
from core.models import AuditEntry
from tests.claims.helpers import (
    ACCOUNT,
    CAUSE,
    DONE,
    ESCALATION,
    INSTRUCTION,
    PLAN,
    actions,
    audit,
    fresh,
    snapshot,
    take,
    trail,
)
from tests.factories import ContractFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db
S = ClaimState

# The machine as the spec draws it: step → the states it may be taken from, and where it goes.
MACHINE = {
    "apologize": ({S.RECEIVED}, S.APOLOGIZED),
    "listen": ({S.APOLOGIZED}, S.LISTENED),
    "identify_cause": ({S.LISTENED}, S.CAUSE_IDENTIFIED),
    "plan_countermeasure": ({S.CAUSE_IDENTIFIED}, S.COUNTERMEASURE_PLANNED),
    "escalate": ({S.CAUSE_IDENTIFIED, S.COUNTERMEASURE_PLANNED}, S.ESCALATED),
    "instruct": ({S.ESCALATED}, S.COUNTERMEASURE_PLANNED),
    "present_solution": ({S.COUNTERMEASURE_PLANNED}, S.SOLUTION_PRESENTED),
    "revise_countermeasure": ({S.SOLUTION_PRESENTED}, S.COUNTERMEASURE_PLANNED),
    "execute": ({S.SOLUTION_PRESENTED}, S.EXECUTED),
    "close": ({S.EXECUTED}, S.CLOSED),
}
SUPERVISOR_STEPS = {"instruct"}
AGENT_STEPS = [step for step in MACHINE if step not in SUPERVISOR_STEPS]


def audit_last(claim) -> AuditEntry:
    return audit(claim).last()


def _response_for(step: str) -> str:
    """Revising needs a solution the customer objected to; every other step an agreed one."""
    return CustomerResponse.OBJECTED if step == "revise_countermeasure" else CustomerResponse.AGREED


LEGAL = [
    (source, step, target)
    for step, (sources, target) in MACHINE.items()
    for source in sorted(sources)
]
ILLEGAL = [
    (state, step)
    for step, (sources, _target) in MACHINE.items()
    for state in ClaimState.values
    if state not in sources
]


def test_the_machine_has_exactly_the_steps_of_the_spec():
    transitions = list(Claim().get_all_state_transitions())
    declared = {
        (transition.name, transition.source, transition.target)
        for transition in transitions
        if transition.name != "request_manager"
    }
    assert declared == {
        (step, source, target) for step, (sources, target) in MACHINE.items() for source in sources
    }
    # Asking for a manager keeps the step, from every open step but an escalation.
    manager_sources = {t.source for t in transitions if t.name == "request_manager"}
    assert manager_sources == set(ClaimState.values) - {ClaimState.CLOSED, ClaimState.ESCALATED}


# ---- opening ---------------------------------------------------------------------------------


def test_open_creates_a_received_claim_handled_by_the_agent_and_audits_it(agent, contract):
    claim = claim_open(
        customer_id=contract.customer_id,
        contract_id=contract.pk,
        user=agent,
        subject="  The purifier leaks  ",
    )

    kept = fresh(claim)
    assert kept.state == S.RECEIVED
    assert kept.subject == "The purifier leaks"
    assert (kept.customer_id, kept.contract_id, kept.agent_id) == (
        contract.customer_id,
        contract.pk,
        agent.pk,
    )
    assert kept.next_contact_due == kept.received_at + timedelta(
        days=settings.CLAIMS_INTERIM_CONTACT_DAYS
    )
    assert trail(kept) == [("open", "", S.RECEIVED, agent.pk)]


def test_a_claim_need_not_be_about_a_contract(agent, customer):
    claim = claim_open(customer_id=customer.pk, user=agent, subject="Rude technician")
    assert fresh(claim).contract_id is None
    assert fresh(claim).customer_id == customer.pk


ANOTHER_CUSTOMERS = object()  # stands for a contract of another customer, made in the test


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"subject": ""}, "Say in a few words what the claim is about."),
        ({"subject": "   \n"}, "Say in a few words what the claim is about."),
        ({"customer_id": 987654321}, "That customer does not exist."),
        ({"customer_id": "not-a-number"}, "That customer does not exist."),
        ({"contract_id": ANOTHER_CUSTOMERS}, "That contract is not this customer's."),
        ({"contract_id": 987654321}, "That contract is not this customer's."),
    ],
)
def test_open_refuses_bad_input_and_creates_nothing(agent, contract, bad, message):
    if bad.get("contract_id") is ANOTHER_CUSTOMERS:
        bad = {"contract_id": ContractFactory(customer=CustomerFactory()).pk}
    given = {
        "customer_id": contract.customer_id,
        "contract_id": contract.pk,
        "user": agent,
        "subject": "The purifier leaks",
        **bad,
    }

    with pytest.raises(ServiceError) as refused:
        claim_open(**given)

    assert type(refused.value) is ServiceError
    assert str(refused.value) == message
    assert not Claim.objects.exists()
    assert not AuditEntry.objects.exists()


def test_open_refuses_a_contract_id_that_is_not_a_number_and_creates_nothing(agent, customer):
    """A mistyped id is bad input like an unknown one: refused with a message, not a crash
    (the customer id is already handled that way)."""
    with pytest.raises(ServiceError):
        claim_open(
            customer_id=customer.pk,
            contract_id="not-a-number",
            user=agent,
            subject="The purifier leaks",
        )
    assert not Claim.objects.exists()
    assert not AuditEntry.objects.exists()


def test_catalog_admins_cannot_open_claims(catalog_admin, contract):
    with pytest.raises(NotPermitted):
        claim_open(
            customer_id=contract.customer_id,
            contract_id=contract.pk,
            user=catalog_admin,
            subject="The purifier leaks",
        )
    assert not Claim.objects.exists()
    assert not AuditEntry.objects.exists()


# ---- every legal step ------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "step", "target"), LEGAL)
def test_each_legal_step_moves_the_claim_and_audits_who_did_it(
    walk, agent, supervisor, source, step, target
):
    claim = walk(source, response=_response_for(step))
    user = supervisor if step in SUPERVISOR_STEPS else agent
    before = trail(claim)

    moved = take(step, claim, user=user)

    assert moved.state == target
    assert fresh(claim).state == target
    assert trail(claim) == [*before, (step, source, target, user.pk)]


def test_the_seven_steps_take_a_claim_from_received_to_closed(open_claim, agent):
    claim = open_claim()
    seen = [(fresh(claim).state, fresh(claim).step_number)]
    for step in [
        "apologize",
        "listen",
        "identify_cause",
        "plan_countermeasure",
        "present_solution",
        "execute",
        "close",
    ]:
        take(step, claim, user=agent)
        seen.append((fresh(claim).state, fresh(claim).step_number))

    assert seen == [
        (S.RECEIVED, 1),
        (S.APOLOGIZED, 2),
        (S.LISTENED, 3),
        (S.CAUSE_IDENTIFIED, 4),
        (S.COUNTERMEASURE_PLANNED, 5),
        (S.SOLUTION_PRESENTED, 6),
        (S.EXECUTED, 7),
        (S.CLOSED, 8),
    ]
    closed = fresh(claim)
    assert closed.customer_account == ACCOUNT
    assert (closed.root_cause, closed.cause_description) == (RootCause.INSTALLATION, CAUSE)
    assert closed.countermeasure_plan == PLAN
    assert closed.customer_response == CustomerResponse.AGREED
    assert closed.execution_note == DONE
    assert closed.executed_at is not None
    assert closed.closed_at is not None
    assert closed.thanked is True
    assert trail(claim) == [
        ("open", "", S.RECEIVED, agent.pk),
        ("apologize", S.RECEIVED, S.APOLOGIZED, agent.pk),
        ("listen", S.APOLOGIZED, S.LISTENED, agent.pk),
        ("identify_cause", S.LISTENED, S.CAUSE_IDENTIFIED, agent.pk),
        ("plan_countermeasure", S.CAUSE_IDENTIFIED, S.COUNTERMEASURE_PLANNED, agent.pk),
        ("present_solution", S.COUNTERMEASURE_PLANNED, S.SOLUTION_PRESENTED, agent.pk),
        ("execute", S.SOLUTION_PRESENTED, S.EXECUTED, agent.pk),
        ("close", S.EXECUTED, S.CLOSED, agent.pk),
    ]


@pytest.mark.parametrize("source", [S.CAUSE_IDENTIFIED, S.COUNTERMEASURE_PLANNED])
def test_escalating_records_why_and_when(walk, agent, source):
    claim = walk(source)

    claim_escalate(claim_id=claim.pk, user=agent, note=f"  {ESCALATION}  ")

    escalated = fresh(claim)
    assert escalated.state == S.ESCALATED
    assert escalated.escalation_note == ESCALATION
    assert escalated.escalated_at is not None
    assert escalated.step_number == 5  # still step ④, waiting for the team lead
    entry = audit_last(claim)
    assert (entry.action, entry.source, entry.target, entry.note) == (
        "escalate",
        source,
        S.ESCALATED,
        ESCALATION,
    )


def test_an_instruction_becomes_the_countermeasure_when_none_was_written(walk, supervisor):
    claim = walk(S.ESCALATED)  # escalated from cause_identified: no plan yet
    assert fresh(claim).countermeasure_plan == ""

    claim_instruct(claim_id=claim.pk, user=supervisor, instruction=INSTRUCTION)

    instructed = fresh(claim)
    assert instructed.state == S.COUNTERMEASURE_PLANNED
    assert instructed.countermeasure_plan == INSTRUCTION
    assert instructed.supervisor_instruction == INSTRUCTION
    assert instructed.instructed_by == supervisor
    entry = audit_last(claim)
    assert (entry.action, entry.user, entry.note) == ("instruct", supervisor, INSTRUCTION)


def test_an_instruction_leaves_a_written_countermeasure_as_it_was(walk, agent, supervisor):
    claim = walk(S.COUNTERMEASURE_PLANNED)
    claim_escalate(claim_id=claim.pk, user=agent, note=ESCALATION)

    claim_instruct(claim_id=claim.pk, user=supervisor, instruction=INSTRUCTION)

    instructed = fresh(claim)
    assert instructed.countermeasure_plan == PLAN
    assert instructed.supervisor_instruction == INSTRUCTION


def test_after_an_instruction_the_agent_carries_the_claim_to_closed(walk, agent, supervisor):
    claim = walk(S.ESCALATED)
    claim_instruct(claim_id=claim.pk, user=supervisor, instruction=INSTRUCTION)
    for step in ["present_solution", "execute", "close"]:
        take(step, claim, user=agent)
    assert fresh(claim).state == S.CLOSED


def test_an_objection_sends_the_claim_back_to_a_revised_countermeasure(walk, agent):
    claim = walk(S.SOLUTION_PRESENTED, response=CustomerResponse.OBJECTED)
    assert fresh(claim).customer_response == CustomerResponse.OBJECTED

    claim_revise(claim_id=claim.pk, user=agent, plan="Send a new purifier instead.")

    revised = fresh(claim)
    assert revised.state == S.COUNTERMEASURE_PLANNED
    assert revised.countermeasure_plan == "Send a new purifier instead."
    assert revised.customer_response == ""  # the next presentation asks again
    assert actions(claim)[-2:] == ["present_solution", "revise_countermeasure"]

    # presented again, agreed this time, it goes on to be done
    claim_present(claim_id=claim.pk, user=agent, response=CustomerResponse.AGREED)
    claim_execute(claim_id=claim.pk, user=agent, what_was_done=DONE)
    assert fresh(claim).state == S.EXECUTED


def test_revising_without_a_new_plan_keeps_the_one_presented(walk, agent):
    claim = walk(S.SOLUTION_PRESENTED, response=CustomerResponse.OBJECTED)
    claim_revise(claim_id=claim.pk, user=agent, plan="  ")
    assert fresh(claim).countermeasure_plan == PLAN


def test_an_objected_solution_can_be_escalated_after_revising(walk, agent, supervisor):
    claim = walk(S.SOLUTION_PRESENTED, response=CustomerResponse.OBJECTED)
    claim_revise(claim_id=claim.pk, user=agent, plan="")
    claim_escalate(claim_id=claim.pk, user=agent, note=ESCALATION)
    assert fresh(claim).state == S.ESCALATED


def test_execute_is_refused_when_the_customer_objected(walk, agent):
    claim = walk(S.SOLUTION_PRESENTED, response=CustomerResponse.OBJECTED)
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(ServiceError) as refused:
        claim_execute(claim_id=claim.pk, user=agent, what_was_done=DONE)

    assert refused.value.code == "guard"
    assert str(refused.value) == "The customer objected: revise the countermeasure first."
    assert snapshot(claim) == before
    assert trail(claim) == audit_before


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
    claim = walk(source, response=_response_for(step))
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(NotPermitted):
        take(step, claim, user=stranger)

    assert snapshot(claim) == before
    assert trail(claim) == audit_before


@pytest.mark.parametrize("step", AGENT_STEPS)
def test_a_supervisor_may_take_any_step_on_an_agents_claim(walk, supervisor, step):
    source = sorted(MACHINE[step][0])[0]
    claim = walk(source, response=_response_for(step))

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


# ---- what the customer is told ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (S.RECEIVED, CustomerStatus.RECEIVED),
        (S.APOLOGIZED, CustomerStatus.IN_PROGRESS),
        (S.LISTENED, CustomerStatus.IN_PROGRESS),
        (S.CAUSE_IDENTIFIED, CustomerStatus.IN_PROGRESS),
        (S.COUNTERMEASURE_PLANNED, CustomerStatus.IN_PROGRESS),
        (S.ESCALATED, CustomerStatus.IN_PROGRESS),
        (S.SOLUTION_PRESENTED, CustomerStatus.IN_PROGRESS),
        (S.EXECUTED, CustomerStatus.IN_PROGRESS),
        (S.CLOSED, CustomerStatus.COMPLETED),
    ],
)
def test_the_customer_sees_received_in_progress_or_completed(walk, state, status):
    claim = walk(state)
    assert claim.customer_status == status
    assert claim.get_customer_status_display() == str(status.label)


# ---- queries ---------------------------------------------------------------------------------


def test_a_step_takes_a_fixed_handful_of_queries(walk, agent, django_assert_max_num_queries):
    claim = walk(S.APOLOGIZED)
    agent.has_perm("customers.handle_calls")  # the permission cache, as in a request
    # savepoint, the locked row, its update, the audit entry, release
    with django_assert_max_num_queries(5):
        claim_listen(claim_id=claim.pk, user=agent, account=ACCOUNT)
