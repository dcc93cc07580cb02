"""The seven steps of a claim through the services (SPEC §5): the machine as the spec draws
it, opening, every legal step with who took it, and what the customer is told."""

from datetime import timedelta

import pytest
from django.conf import settings

from claims.choices import ClaimState, CustomerResponse, CustomerStatus, RootCause
from claims.models import Claim
from claims.services.opening import claim_open
from claims.services.steps import (
    claim_escalate,
    claim_execute,
    claim_instruct,
    claim_listen,
    claim_present,
    claim_revise,
)
from core.errors import NotPermitted, ServiceError
from core.models import AuditEntry
from tests.claims.helpers import (
    ACCOUNT,
    CAUSE,
    DONE,
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
from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db

S = ClaimState


LEGAL = [
    (source, step, target)
    for step, (sources, target) in MACHINE.items()
    for source in sorted(sources)
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
    claim = walk(source, response=response_for(step))
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
