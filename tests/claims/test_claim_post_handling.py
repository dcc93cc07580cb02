"""Post-handling (사후 관리, SPEC §5): the calls planned when a claim closes, the deadline
promised to the customer, and a claim that turns into a cancellation request."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings

from calls.choices import CallTaskKind, CallTaskStatus
from calls.models import CallTask
from calls.services.planning import call_task_request
from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from claims.choices import ClaimState, RecoveryOutcome
from claims.services import steps
from claims.services.opening import claim_open
from claims.services.post_handling import claim_set_deadline, claims_sweep
from claims.services.steps import claim_close
from core.errors import NotPermitted, ServiceError
from desk.services.supervision import claim_start_cancellation
from tests.claims.helpers import T0, actions, audit, fresh, snapshot, trail

pytestmark = pytest.mark.django_db
S = ClaimState


def _interim_call(claim, number: int, status=CallTaskStatus.SCHEDULED) -> CallTask:
    task = call_task_request(
        kind=CallTaskKind.CLAIM_INTERIM,
        customer_id=claim.customer_id,
        contract_id=claim.contract_id,
        claim_id=claim.pk,
        due_at=claim.received_at + timedelta(days=2 * number),
        assignee_id=claim.agent_id,
        idempotency_key=f"claim-interim:{claim.pk}:{number}",
    )
    CallTask.objects.filter(pk=task.pk).update(status=status)
    return task


def _close(claim, user, **inputs):
    given = {"recovery_outcome": RecoveryOutcome.NOT_APPLICABLE, "thanked": True, **inputs}
    return claim_close(claim_id=claim.pk, user=user, **given)


# ---- closing ---------------------------------------------------------------------------------


def test_closing_plans_one_after_service_greeting_for_the_agent_and_one_survey(
    clock, walk, agent, contract
):
    claim = walk(S.EXECUTED)

    _close(claim, agent)

    calls = CallTask.objects.filter(claim=claim)
    assert sorted(calls.values_list("kind", flat=True)) == [
        CallTaskKind.AFTER_SERVICE,
        CallTaskKind.SURVEY,
    ]
    greeting = calls.get(kind=CallTaskKind.AFTER_SERVICE)
    assert greeting.due_at == T0 + timedelta(days=settings.CLAIMS_AFTER_SERVICE_DAYS)
    assert greeting.assignee == agent
    assert (greeting.customer_id, greeting.contract_id) == (contract.customer_id, contract.pk)
    assert greeting.status == CallTaskStatus.SCHEDULED
    survey = calls.get(kind=CallTaskKind.SURVEY)
    assert survey.due_at == T0 + timedelta(days=settings.CLAIMS_SURVEY_DELAY_DAYS)
    assert survey.status == CallTaskStatus.SCHEDULED


def test_the_greeting_goes_to_the_handling_agent_when_a_supervisor_closes(walk, agent, supervisor):
    claim = walk(S.EXECUTED)
    _close(claim, supervisor)
    greeting = CallTask.objects.get(claim=claim, kind=CallTaskKind.AFTER_SERVICE)
    assert greeting.assignee == agent


def test_closing_ends_the_claims_open_interim_contacts_and_no_others(walk, agent):
    claim = walk(S.EXECUTED)
    scheduled = _interim_call(claim, 1)
    due = _interim_call(claim, 2, status=CallTaskStatus.DUE)
    made = _interim_call(claim, 3, status=CallTaskStatus.DONE)
    other_claim = walk(S.APOLOGIZED)
    others = _interim_call(other_claim, 1)

    _close(claim, agent)

    def status(task):
        return CallTask.objects.get(pk=task.pk).status

    assert status(scheduled) == CallTaskStatus.CANCELLED
    assert status(due) == CallTaskStatus.CANCELLED
    assert status(made) == CallTaskStatus.DONE  # a call already made stays made
    assert status(others) == CallTaskStatus.SCHEDULED
    closed = fresh(claim)
    assert closed.next_contact_due is None


def test_a_refused_close_plans_nothing_and_cancels_nothing(walk, agent):
    claim = walk(S.EXECUTED)
    interim = _interim_call(claim, 1)
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(ServiceError, match="thank the customer"):
        _close(claim, agent, thanked=False)

    assert snapshot(claim) == before
    assert trail(claim) == audit_before
    assert list(CallTask.objects.filter(claim=claim)) == [interim]
    assert CallTask.objects.get(pk=interim.pk).status == CallTaskStatus.SCHEDULED


def test_a_close_failing_halfway_leaves_nothing_behind(walk, agent, monkeypatch):
    """The transition has run and the interim calls are cancelled when planning the greeting
    fails: the whole step rolls back, its audit entry with it."""
    claim = walk(S.EXECUTED)
    interim = _interim_call(claim, 1)
    before, audit_before = snapshot(claim), trail(claim)

    def broken_call_planner(**kwargs):
        raise RuntimeError("the call planner is down")

    monkeypatch.setattr(steps, "call_task_request", broken_call_planner)
    with pytest.raises(RuntimeError):
        _close(claim, agent)

    assert snapshot(claim) == before
    assert trail(claim) == audit_before
    assert CallTask.objects.get(pk=interim.pk).status == CallTaskStatus.SCHEDULED
    assert list(CallTask.objects.filter(claim=claim)) == [interim]


def test_closing_records_the_recovery_and_clears_any_flag(clock, walk, agent):
    claim = walk(S.EXECUTED)
    clock.shift(timedelta(days=4))  # past every idle limit
    claims_sweep()
    assert fresh(claim).flagged_at is not None

    _close(claim, agent, recovery_outcome=RecoveryOutcome.RECOVERED)

    closed = fresh(claim)
    assert closed.recovery_outcome == RecoveryOutcome.RECOVERED
    assert closed.thanked is True
    assert (closed.flagged_at, closed.flag_reason) == (None, "")
    assert closed.is_overdue is False


# ---- the promised deadline -------------------------------------------------------------------


def test_a_promised_deadline_is_kept_and_audited(clock, walk, agent):
    claim = walk(S.CAUSE_IDENTIFIED)
    deadline = T0 + timedelta(days=3)

    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=deadline)

    kept = fresh(claim)
    assert kept.promised_deadline == deadline
    assert kept.state == S.CAUSE_IDENTIFIED
    entry = audit(claim).last()
    assert (entry.action, entry.source, entry.target, entry.user) == (
        "promise_deadline",
        S.CAUSE_IDENTIFIED,
        S.CAUSE_IDENTIFIED,
        agent,
    )
    assert entry.data == {"deadline": deadline.isoformat()}


@pytest.mark.parametrize(
    ("deadline", "message"),
    [
        (T0 - timedelta(minutes=1), "The promised deadline must be in the future."),
        (T0, "The promised deadline must be in the future."),
        (datetime(2031, 3, 10, 18, 0), "Give the date and time promised to the customer."),
        (None, "Give the date and time promised to the customer."),
    ],
    ids=["past", "now", "naive", "missing"],
)
def test_a_deadline_that_is_not_a_future_moment_is_refused(clock, walk, agent, deadline, message):
    claim = walk(S.CAUSE_IDENTIFIED)
    before, audit_before = snapshot(claim), trail(claim)

    with pytest.raises(ServiceError) as refused:
        claim_set_deadline(claim_id=claim.pk, user=agent, deadline=deadline)

    assert str(refused.value) == message
    assert snapshot(claim) == before
    assert trail(claim) == audit_before


def test_a_claim_is_overdue_once_past_its_promised_deadline(clock, walk, agent):
    claim = walk(S.CAUSE_IDENTIFIED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=4))

    clock.move_to(T0 + timedelta(hours=3, minutes=59))
    assert fresh(claim).is_overdue is False
    clock.move_to(T0 + timedelta(hours=4, minutes=1))
    assert fresh(claim).is_overdue is True


def test_a_claim_without_a_promise_is_not_overdue(clock, walk):
    claim = walk(S.CAUSE_IDENTIFIED)
    clock.shift(timedelta(hours=20))  # still within the step's idle limit
    assert fresh(claim).is_overdue is False


def test_a_closed_claim_is_never_overdue(clock, walk, agent):
    claim = walk(S.EXECUTED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=1))
    _close(claim, agent)
    clock.shift(timedelta(days=10))
    assert fresh(claim).is_overdue is False


def test_a_new_promise_clears_a_deadline_flag(clock, walk, agent):
    claim = walk(S.CAUSE_IDENTIFIED)
    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(hours=1))
    clock.shift(timedelta(hours=2))
    claims_sweep()
    flagged = fresh(claim)
    assert (flagged.flag_reason, flagged.is_overdue) == ("deadline", True)

    claim_set_deadline(claim_id=claim.pk, user=agent, deadline=T0 + timedelta(days=2))

    kept = fresh(claim)
    assert (kept.flagged_at, kept.flag_reason) == (None, "")
    assert kept.promised_deadline == T0 + timedelta(days=2)
    assert kept.is_overdue is False


# ---- from claim to cancellation --------------------------------------------------------------


def test_a_claim_can_open_a_cancellation_request_for_its_contract(walk, agent, contract):
    claim = walk(S.LISTENED)

    request = claim_start_cancellation(claim_id=claim.pk, user=agent)

    kept = CancellationRequest.objects.get(pk=request.pk)
    assert kept.contract == contract
    assert kept.customer_id == contract.customer_id
    assert kept.source_claim_id == claim.pk
    assert kept.agent == agent
    assert kept.state == RequestState.OPENED
    assert list(fresh(claim).cancellation_requests.all()) == [kept]
    assert fresh(claim).state == S.LISTENED  # the claim itself goes on


def test_a_claim_without_a_contract_cannot_start_a_cancellation(agent, customer):
    claim = claim_open(customer_id=customer.pk, user=agent, subject="Rude technician")

    with pytest.raises(ServiceError) as refused:
        claim_start_cancellation(claim_id=claim.pk, user=agent)

    assert str(refused.value) == (
        "This claim is not about a contract: start the cancellation from the customer."
    )
    assert not CancellationRequest.objects.exists()


def test_another_agent_cannot_start_a_cancellation_from_my_claim(walk, stranger):
    claim = walk(S.LISTENED)
    with pytest.raises(NotPermitted):
        claim_start_cancellation(claim_id=claim.pk, user=stranger)
    assert not CancellationRequest.objects.exists()


def test_starting_a_cancellation_from_an_unknown_claim_is_a_clear_error(agent):
    with pytest.raises(ServiceError, match="That claim does not exist"):
        claim_start_cancellation(claim_id=987654321, user=agent)


def test_closing_a_claim_audits_the_close_once(walk, agent):
    claim = walk(S.EXECUTED)
    _close(claim, agent)
    assert actions(claim).count("close") == 1
