"""Taking a call (one agent at a time) and closing it with an outcome that feeds back:
retries with a growing wait, unreachable after the last attempt, the customer's wish not
to be called (SPEC §6, §7)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calls.choices import CallOutcome, CallQueue, CallTaskKind, CallTaskStatus
from calls.models import CallTask
from calls.services.dispatch import call_tasks_dispatch_due
from calls.services.planning import call_task_request
from calls.services.taking import call_task_claim, call_task_log_outcome
from core.errors import NotPermitted, ServiceError
from customers.models import Customer
from tests.calls.helpers import departed, plan_call, race, the_winner
from tests.factories import CustomerFactory
from winback.choices import WinBackOutcome
from winback.models import WinBackCase
from winback.services.winback import win_back_consider, win_back_outcome_log

S = CallTaskStatus


def _fresh(task) -> CallTask:
    return CallTask.objects.get(pk=task.pk)


def _snapshot(task) -> tuple:
    kept = _fresh(task)
    return (kept.status, kept.assignee_id, kept.attempts, kept.outcome, kept.due_at)


@pytest.fixture
def due_call(customer):
    call = plan_call(customer)
    call_tasks_dispatch_due()
    assert _fresh(call).status == S.DUE
    return call


# ---- taking a call ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_the_same_call_at_once_one_gets_it(due_call, agent, second_agent):
    people = [agent, second_agent]
    outcomes = race(
        *[
            lambda user=user: call_task_claim(call_task_id=due_call.pk, user=user)
            for user in people
        ],
        hold=CallTask.objects.filter(pk=due_call.pk),
    )

    winner = the_winner(outcomes)
    refused = outcomes[1 - winner].error
    assert type(refused) is ServiceError
    assert refused.code == "taken"
    assert str(refused) == "Someone else has taken this call."
    taken = _fresh(due_call)
    assert (taken.status, taken.assignee) == (S.IN_PROGRESS, people[winner])
    assert taken.claimed_at is not None


@pytest.mark.django_db
def test_a_call_taken_by_someone_else_cannot_be_taken(due_call, agent, second_agent):
    call_task_claim(call_task_id=due_call.pk, user=agent)
    with pytest.raises(ServiceError, match=r"Someone else has taken this call\.") as refused:
        call_task_claim(call_task_id=due_call.pk, user=second_agent)
    assert refused.value.code == "taken"
    assert _fresh(due_call).assignee == agent


@pytest.mark.django_db
def test_taking_your_own_call_again_is_harmless(due_call, agent):
    first = call_task_claim(call_task_id=due_call.pk, user=agent)
    again = call_task_claim(call_task_id=due_call.pk, user=agent)  # a double click
    assert (again.status, again.assignee, again.claimed_at) == (
        S.IN_PROGRESS,
        agent,
        first.claimed_at,
    )


@pytest.mark.django_db
def test_a_call_not_due_yet_cannot_be_taken(customer, agent):
    call = plan_call(customer, due_at=timezone.now() + timedelta(hours=1))
    before = _snapshot(call)
    with pytest.raises(ServiceError, match="not due yet") as refused:
        call_task_claim(call_task_id=call.pk, user=agent)
    assert refused.value.code == "not_due"
    assert _snapshot(call) == before


@pytest.mark.django_db
def test_a_call_assigned_to_another_agent_cannot_be_taken(customer, agent, second_agent):
    call = plan_call(customer, assignee_id=agent.pk)
    with pytest.raises(ServiceError) as refused:
        call_task_claim(call_task_id=call.pk, user=second_agent)
    assert refused.value.code == "taken"
    assert _fresh(call).status == S.SCHEDULED


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.DONE, S.CANCELLED])
def test_a_closed_call_cannot_be_taken(customer, agent, status):
    call = plan_call(customer)
    CallTask.objects.filter(pk=call.pk).update(status=status)
    with pytest.raises(ServiceError):
        call_task_claim(call_task_id=call.pk, user=agent)
    assert (_fresh(call).status, _fresh(call).assignee) == (status, None)


@pytest.mark.django_db
def test_only_people_who_make_calls_can_take_one(due_call, catalog_admin):
    with pytest.raises(NotPermitted):
        call_task_claim(call_task_id=due_call.pk, user=catalog_admin)
    assert _fresh(due_call).status == S.DUE


@pytest.mark.django_db
def test_taking_a_call_that_does_not_exist_is_refused(agent):
    with pytest.raises(ServiceError) as refused:
        call_task_claim(call_task_id=987654321, user=agent)
    assert refused.value.code == "not_found"


# ---- outcomes --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", [CallOutcome.REACHED, CallOutcome.WRONG_NUMBER])
def test_a_reached_or_wrong_number_call_is_done(due_call, agent, outcome):
    call_task_claim(call_task_id=due_call.pk, user=agent)
    call_task_log_outcome(
        call_task_id=due_call.pk, user=agent, outcome=outcome, result="  said thanks  "
    )
    kept = _fresh(due_call)
    assert (kept.status, kept.outcome, kept.attempts) == (S.DONE, outcome, 1)
    assert kept.result == "said thanks"
    assert kept.customer.do_not_call is False


@pytest.mark.django_db
def test_no_answer_and_busy_retry_with_the_configured_backoff_then_give_up(
    customer, agent, clock, settings
):
    settings.CALLS_MAX_ATTEMPTS = 4
    settings.CALLS_RETRY_MINUTES = [15, 45, 120]
    call = plan_call(customer)
    waits = []
    for attempt, outcome in enumerate(
        [CallOutcome.NO_ANSWER, CallOutcome.BUSY, CallOutcome.NO_ANSWER], start=1
    ):
        call_tasks_dispatch_due()
        call_task_claim(call_task_id=call.pk, user=agent)
        call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=outcome)
        kept = _fresh(call)
        assert (kept.status, kept.attempts, kept.outcome) == (S.SCHEDULED, attempt, outcome)
        assert (kept.claimed_at, kept.dispatched_at, kept.prepared_at) == (None, None, None)
        assert kept.assignee == agent  # an agent's own follow-up stays theirs
        waits.append(kept.due_at - timezone.now())
        with pytest.raises(ServiceError, match="not due yet"):
            call_task_claim(call_task_id=call.pk, user=agent)  # not before the wait is over
        clock.move_to(kept.due_at)

    assert waits == [timedelta(minutes=m) for m in (15, 45, 120)]
    call_tasks_dispatch_due()
    call_task_claim(call_task_id=call.pk, user=agent)
    call_task_log_outcome(
        call_task_id=call.pk, user=agent, outcome=CallOutcome.BUSY
    )  # the 4th and last
    kept = _fresh(call)
    assert (kept.status, kept.outcome, kept.attempts) == (S.DONE, CallOutcome.UNREACHABLE, 4)


@pytest.mark.django_db
def test_the_default_retry_policy_waits_an_hour_then_four_then_gives_up(customer, agent, clock):
    call = plan_call(customer)
    for attempt, minutes in ((1, 60), (2, 240)):
        call_task_claim(call_task_id=call.pk, user=agent)
        call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=CallOutcome.NO_ANSWER)
        kept = _fresh(call)
        assert kept.attempts == attempt
        assert kept.due_at == timezone.now() + timedelta(minutes=minutes)
        clock.move_to(kept.due_at)
    call_task_claim(call_task_id=call.pk, user=agent)
    call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=CallOutcome.NO_ANSWER)
    kept = _fresh(call)
    assert (kept.status, kept.outcome, kept.attempts) == (S.DONE, CallOutcome.UNREACHABLE, 3)


@pytest.mark.django_db
def test_an_unreachable_win_back_customer_closes_the_case_as_unreachable(
    supervisor, second_agent, clock, settings
):
    settings.CALLS_MAX_ATTEMPTS = 2
    departed(monthly_fee=100_000, months=40)  # 4,000,000: top tier, supervisors
    win_back_consider()
    call = CallTask.objects.get(kind=CallTaskKind.WIN_BACK)
    assert call.queue == CallQueue.SUPERVISORS

    call_task_claim(call_task_id=call.pk, user=supervisor)
    win_back_outcome_log(call_task_id=call.pk, user=supervisor, outcome=CallOutcome.NO_ANSWER)
    kept = _fresh(call)
    assert (kept.status, kept.assignee) == (S.SCHEDULED, None)  # back to the queue
    assert WinBackCase.objects.get().outcome == WinBackOutcome.PENDING

    clock.move_to(kept.due_at)
    call_task_claim(call_task_id=call.pk, user=second_agent)
    win_back_outcome_log(call_task_id=call.pk, user=second_agent, outcome=CallOutcome.NO_ANSWER)

    kept = _fresh(call)
    assert (kept.status, kept.outcome, kept.attempts) == (S.DONE, CallOutcome.UNREACHABLE, 2)
    case = WinBackCase.objects.get()
    assert case.outcome == WinBackOutcome.UNREACHABLE
    assert case.closed_at == timezone.now()


@pytest.mark.django_db
def test_do_not_call_is_recorded_and_ends_every_other_planned_call(customer, agent, second_agent):
    now = timezone.now()
    call = plan_call(customer, key="this")
    other_due = plan_call(customer, key="due")
    later = plan_call(customer, due_at=now + timedelta(days=30), kind=CallTaskKind.SURVEY)
    someone_elses = plan_call(customer, key="in-progress")
    finished = plan_call(customer, key="finished")
    CallTask.objects.filter(pk=finished.pk).update(status=S.DONE, outcome=CallOutcome.REACHED)
    neighbour = plan_call(CustomerFactory(), key="neighbour")
    call_tasks_dispatch_due()
    call_task_claim(call_task_id=someone_elses.pk, user=second_agent)
    call_task_claim(call_task_id=call.pk, user=agent)

    call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=CallOutcome.DO_NOT_CALL)

    assert Customer.objects.get(pk=customer.pk).do_not_call is True
    kept = _fresh(call)
    assert (kept.status, kept.outcome) == (S.DONE, CallOutcome.DO_NOT_CALL)
    for ended in (other_due, later, someone_elses):
        assert _fresh(ended).status == S.CANCELLED
    assert _fresh(finished).status == S.DONE
    assert _fresh(neighbour).status == S.DUE

    planned_after = call_task_request(
        kind=CallTaskKind.CALLBACK,
        customer_id=customer.pk,
        due_at=now + timedelta(days=2),
        idempotency_key="callback:after-do-not-call",
    )
    assert (planned_after.status, planned_after.outcome) == (S.CANCELLED, CallOutcome.DO_NOT_CALL)
    assert call_tasks_dispatch_due(now=now + timedelta(days=3)) == []


@pytest.mark.django_db
def test_an_outcome_on_a_call_not_taken_is_refused(due_call, agent):
    before = _snapshot(due_call)
    with pytest.raises(ServiceError, match="Take the call") as refused:
        call_task_log_outcome(call_task_id=due_call.pk, user=agent, outcome=CallOutcome.REACHED)
    assert refused.value.code == "not_taken"
    assert _snapshot(due_call) == before


@pytest.mark.django_db
def test_an_outcome_on_a_call_someone_else_took_is_refused(due_call, agent, second_agent):
    call_task_claim(call_task_id=due_call.pk, user=second_agent)
    before = _snapshot(due_call)
    with pytest.raises(ServiceError) as refused:
        call_task_log_outcome(call_task_id=due_call.pk, user=agent, outcome=CallOutcome.DO_NOT_CALL)
    assert refused.value.code == "not_taken"
    assert _snapshot(due_call) == before
    assert Customer.objects.get(pk=due_call.customer_id).do_not_call is False


@pytest.mark.django_db
def test_a_second_outcome_on_a_closed_call_is_refused(due_call, agent):
    call_task_claim(call_task_id=due_call.pk, user=agent)
    call_task_log_outcome(call_task_id=due_call.pk, user=agent, outcome=CallOutcome.REACHED)
    before = _snapshot(due_call)
    with pytest.raises(ServiceError) as refused:
        call_task_log_outcome(call_task_id=due_call.pk, user=agent, outcome=CallOutcome.NO_ANSWER)
    assert refused.value.code == "not_taken"
    assert _snapshot(due_call) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "outcome", ["", "hung_up", CallOutcome.UNREACHABLE, CallOutcome.WON_BACK, CallOutcome.DECLINED]
)
def test_an_unknown_outcome_is_refused(due_call, agent, outcome):
    call_task_claim(call_task_id=due_call.pk, user=agent)
    before = _snapshot(due_call)
    with pytest.raises(ServiceError) as refused:
        call_task_log_outcome(call_task_id=due_call.pk, user=agent, outcome=outcome)
    assert refused.value.code == "outcome"
    assert _snapshot(due_call) == before
