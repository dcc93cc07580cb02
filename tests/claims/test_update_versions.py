"""Every step of the claim console bumps the claim's version once it commits (and the
customer's), so an open claim console's update check stops holding and the next poll draws
the change; also the supervisor's decision on a compensation, which is not a console action
of the agent. A console action without a case here fails the test."""

from datetime import timedelta

import pytest
from django.utils import timezone

from catalog.models import CustomerType
from claims.choices import ClaimState
from claims.choices import CompensationForm as Form
from claims.services.compensation import compensation_decide, compensation_propose
from claims.services.handling import claim_notes_save
from claims.services.post_handling import claim_set_deadline, claims_sweep
from claims.views import ACTIONS
from core.updates import customer_key, update_key, updates_read
from tests.claims.helpers import MACHINE, STEPS, SUPERVISOR_STEPS, T0, response_for

pytestmark = pytest.mark.django_db

S = ClaimState
# The console's actions beside the machine's steps: the state to take them in, their input.
BESIDE = {
    "request_manager": (S.LISTENED, dict),
    "set_deadline": (S.LISTENED, lambda: {"deadline": timezone.now() + timedelta(days=2)}),
    "compensate": (
        S.COUNTERMEASURE_PLANNED,
        lambda: {"form": Form.values[0], "amount": 10000, "description": "A free filter"},
    ),
    "tag_customer_type": (
        S.APOLOGIZED,
        lambda: {"customer_type_id": CustomerType.objects.filter(is_active=True).first().pk},
    ),
}


def _versions(claim) -> dict:
    return updates_read([update_key(claim), customer_key(claim.customer_id)])


def _case(name):
    if name in MACHINE:
        state = sorted(MACHINE[name][0])[0]
        inputs = dict(STEPS[name][1])
        if name == "present_solution":
            inputs["response"] = response_for(name)
        return state, (lambda: inputs)
    return BESIDE[name]


def test_every_claim_console_action_has_a_case_here():
    assert set(MACHINE) | set(BESIDE) == set(ACTIONS)


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_each_claim_step_bumps_the_claim_and_its_customer(
    name, walk, agent, supervisor, django_capture_on_commit_callbacks
):
    state, inputs = _case(name)
    response = response_for(name)
    with django_capture_on_commit_callbacks(execute=True):
        claim = walk(state, response=response)
    before = _versions(claim)
    user = supervisor if name in SUPERVISOR_STEPS else agent
    with django_capture_on_commit_callbacks(execute=True):
        ACTIONS[name].service(claim_id=claim.pk, user=user, **inputs())
    after = _versions(claim)
    assert set(after.values()).isdisjoint(before.values()), name


def test_a_supervisors_compensation_decision_bumps_the_claim(
    walk, agent, supervisor, django_capture_on_commit_callbacks
):
    claim = walk(S.COUNTERMEASURE_PLANNED)
    compensation = compensation_propose(
        claim_id=claim.pk, user=agent, form=Form.values[0], amount=900000, description="Refund"
    )
    before = _versions(claim)
    with django_capture_on_commit_callbacks(execute=True):
        compensation_decide(compensation_id=compensation.pk, user=supervisor, approve=True)
    assert _versions(claim)[update_key(claim)] != before[update_key(claim)]


def test_notes_typed_by_another_person_bump_the_claim(
    walk, supervisor, django_capture_on_commit_callbacks
):
    claim = walk(S.LISTENED)
    before = _versions(claim)
    with django_capture_on_commit_callbacks(execute=True):
        claim_notes_save(claim_id=claim.pk, user=supervisor, notes="Technician booked")
    assert _versions(claim)[update_key(claim)] != before[update_key(claim)]


def test_the_sweeps_flag_bumps_the_claim(clock, walk, agent, django_capture_on_commit_callbacks):
    """The sweep flags in bulk (no `audit_record`): it bumps each claim it flagged."""
    claim = walk(S.CAUSE_IDENTIFIED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=3))
    clock.move_to(T0 + timedelta(hours=3, minutes=1))
    before = _versions(claim)
    with django_capture_on_commit_callbacks(execute=True):
        assert claims_sweep()["past_deadline"] == 1
    assert _versions(claim)[update_key(claim)] != before[update_key(claim)]
