"""Calls due weeks ahead are rows with a due time; the dispatcher moves what is due, once,
and a real worker prepares each call once (SPEC §6, §7 "Nothing lost")."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from calls.choices import CallOutcome, CallTaskKind, CallTaskStatus
from calls.models import CallTask, Survey
from calls.services.dispatch import call_task_prepare, call_tasks_dispatch_due
from calls.services.planning import call_task_request
from calls.services.taking import call_task_claim, call_task_log_outcome
from calls.tasks import call_task_prepare_task, call_tasks_dispatch_task
from tests.calls.helpers import SECONDS, plan_call, wait_for
from tests.factories import CustomerFactory

threaded = pytest.mark.django_db(transaction=True)


def _fresh(task) -> CallTask:
    return CallTask.objects.get(pk=task.pk)


# ---- a call a month ahead, through the real worker -------------------------------------------


@threaded
def test_a_survey_call_due_in_30_days_is_dispatched_and_prepared_exactly_once(
    customer, prepare_runs
):
    due = timezone.now() + timedelta(days=30)
    call = plan_call(customer, kind=CallTaskKind.SURVEY, due_at=due)

    assert call_tasks_dispatch_due() == []  # today
    with time_machine.travel(due - timedelta(minutes=1)):
        assert call_tasks_dispatch_due() == []  # a minute early
    prepare_runs.drain()
    assert _fresh(call).status == CallTaskStatus.SCHEDULED
    assert prepare_runs.of(call.pk) == []

    with time_machine.travel(due + timedelta(minutes=1)):  # keeps ticking while we wait
        runs = [call_tasks_dispatch_due() for _ in range(4)]
        assert runs == [[call.pk], [], [], []]
        dispatched = _fresh(call)
        assert dispatched.status == CallTaskStatus.DUE
        assert due < dispatched.dispatched_at < due + timedelta(minutes=2)

        prepared_at = wait_for(lambda: _fresh(call).prepared_at, what="the call to be prepared")
        prepare_runs.drain()
        assert prepare_runs.of(call.pk) == ["SUCCESS"]
        assert due < prepared_at < due + timedelta(minutes=2)

        # the broker redelivers it (a worker died before acknowledging): nothing happens twice
        call_task_prepare_task.delay(call.pk)
        call_tasks_dispatch_due()
        prepare_runs.drain()

    assert prepare_runs.of(call.pk) == ["SUCCESS", "SUCCESS"]
    kept = _fresh(call)
    assert kept.prepared_at == prepared_at
    assert kept.dispatched_at == dispatched.dispatched_at
    assert kept.status == CallTaskStatus.DUE
    survey = Survey.objects.get(customer=customer)
    assert survey.idempotency_key == f"survey-call:{call.pk}"
    assert survey.emailed_at is not None
    assert [message.to for message in mail.outbox] == [[customer.email]]


# ---- two dispatchers at once -----------------------------------------------------------------


@threaded
def test_two_dispatchers_at_once_never_dispatch_a_row_twice(broker):
    now = timezone.now()
    customers = CustomerFactory.create_batch(4)
    due = [
        plan_call(customers[n % 4], due_at=now - timedelta(minutes=n), key=f"due:{n}").pk
        for n in range(120)
    ]
    later = [
        plan_call(customers[0], due_at=now + timedelta(hours=n + 1), key=f"later:{n}").pk
        for n in range(5)
    ]
    barrier = threading.Barrier(2, timeout=SECONDS)
    taken: list[list[int]] = [[], []]
    errors: list[Exception] = []

    def dispatcher(index: int) -> None:
        from django.db import connection

        try:
            barrier.wait()
            while batch := call_tasks_dispatch_due(limit=7):
                taken[index].extend(batch)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher, args=(n,), daemon=True) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS * 3)

    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    every = taken[0] + taken[1]
    assert len(every) == len(set(every)), "a row was dispatched twice"
    assert sorted(every) == sorted(due)
    assert set(
        CallTask.objects.filter(status=CallTaskStatus.DUE).values_list("pk", flat=True)
    ) == set(due)
    assert set(
        CallTask.objects.filter(status=CallTaskStatus.SCHEDULED).values_list("pk", flat=True)
    ) == set(later)


# ---- the dispatcher in one transaction -------------------------------------------------------


@pytest.mark.django_db
def test_dispatch_takes_only_scheduled_rows_that_are_due(customer):
    now = timezone.now()
    due = plan_call(customer, due_at=now - timedelta(seconds=1), key="due")
    exactly_now = plan_call(customer, due_at=now, key="now")
    later = plan_call(customer, due_at=now + timedelta(seconds=1), key="later")
    cancelled = plan_call(customer, due_at=now - timedelta(days=1), key="cancelled")
    CallTask.objects.filter(pk=cancelled.pk).update(status=CallTaskStatus.CANCELLED)

    assert sorted(call_tasks_dispatch_due(now=now)) == sorted([due.pk, exactly_now.pk])

    assert _fresh(later).status == CallTaskStatus.SCHEDULED
    assert _fresh(later).dispatched_at is None
    assert _fresh(cancelled).status == CallTaskStatus.CANCELLED
    assert _fresh(due).dispatched_at == now


@pytest.mark.django_db
def test_dispatch_costs_the_same_few_queries_for_one_due_call_or_two_hundred(
    django_assert_max_num_queries,
):
    customer = CustomerFactory()
    now = timezone.now()
    for n in range(200):
        plan_call(customer, due_at=now - timedelta(minutes=n), key=f"bulk:{n}")
    with django_assert_max_num_queries(5):
        dispatched = call_tasks_dispatch_due(now=now)
    assert len(dispatched) == 200


@pytest.mark.django_db
def test_the_beat_task_reports_how_many_calls_it_dispatched(customer):
    for n in range(3):
        plan_call(customer, key=f"beat:{n}")
    assert call_tasks_dispatch_task() == 3
    assert call_tasks_dispatch_task() == 0


# ---- preparing a call ------------------------------------------------------------------------


@pytest.mark.django_db
def test_preparing_a_call_for_a_customer_who_asked_not_to_be_called_cancels_it(customer):
    call = plan_call(customer, kind=CallTaskKind.SURVEY)
    call_tasks_dispatch_due()
    customer.do_not_call = True
    customer.save(update_fields=["do_not_call"])

    call_task_prepare(call_task_id=call.pk)

    kept = _fresh(call)
    assert (kept.status, kept.outcome) == (CallTaskStatus.CANCELLED, CallOutcome.DO_NOT_CALL)
    assert kept.prepared_at is not None
    assert not Survey.objects.exists()


@pytest.mark.django_db
def test_preparing_a_call_twice_prepares_it_once(customer, django_capture_on_commit_callbacks):
    call = plan_call(customer, kind=CallTaskKind.SURVEY)
    call_tasks_dispatch_due()
    with django_capture_on_commit_callbacks(execute=True):
        first = call_task_prepare(call_task_id=call.pk)
    with django_capture_on_commit_callbacks(execute=True):
        second = call_task_prepare(call_task_id=call.pk)

    assert first.prepared_at == second.prepared_at == _fresh(call).prepared_at
    assert Survey.objects.filter(customer=customer).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_preparing_a_call_that_no_longer_exists_does_nothing():
    assert call_task_prepare(call_task_id=987654321) is None


def _prepare_due(django_capture_on_commit_callbacks) -> None:
    """What the worker does after a dispatch, run here (the broker is not the point)."""
    for call_id in call_tasks_dispatch_due():
        with django_capture_on_commit_callbacks(execute=True):
            call_task_prepare(call_task_id=call_id)


@pytest.mark.django_db
def test_a_survey_call_tried_again_after_no_answer_does_not_invite_twice(
    customer, agent, clock, django_capture_on_commit_callbacks
):
    call = plan_call(customer, kind=CallTaskKind.SURVEY)
    _prepare_due(django_capture_on_commit_callbacks)
    call_task_claim(call_task_id=call.pk, user=agent)
    call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=CallOutcome.NO_ANSWER)
    clock.move_to(_fresh(call).due_at)

    _prepare_due(django_capture_on_commit_callbacks)  # dispatched and prepared again

    assert _fresh(call).prepared_at == timezone.now()
    assert Survey.objects.filter(customer=customer).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_survey_call_taken_before_the_dispatcher_reached_it_still_gets_its_survey(
    customer, agent, django_capture_on_commit_callbacks
):
    """A call can be taken from its due time on; beat dispatches once a minute (or not at
    all while Redis is down). Taking it first must not skip its preparation."""
    call = plan_call(customer, kind=CallTaskKind.SURVEY)
    with django_capture_on_commit_callbacks(execute=True):  # as the request's commit would
        call_task_claim(call_task_id=call.pk, user=agent)  # before any dispatch
    call_task_log_outcome(call_task_id=call.pk, user=agent, outcome=CallOutcome.REACHED)

    _prepare_due(django_capture_on_commit_callbacks)  # beat comes round afterwards

    assert Survey.objects.filter(idempotency_key=f"survey-call:{call.pk}").count() == 1
    assert len(mail.outbox) == 1


# ---- planning a call -------------------------------------------------------------------------


@pytest.mark.django_db
def test_planning_the_same_call_twice_plans_it_once(customer):
    due = timezone.now() + timedelta(days=7)
    first = call_task_request(
        kind=CallTaskKind.CALLBACK, customer_id=customer.pk, due_at=due, idempotency_key="cb:1"
    )
    again = call_task_request(  # a retried transition, with a later clock
        kind=CallTaskKind.CALLBACK,
        customer_id=customer.pk,
        due_at=due + timedelta(minutes=5),
        idempotency_key="cb:1",
    )
    assert again.pk == first.pk
    assert CallTask.objects.filter(customer=customer).count() == 1
    assert _fresh(first).due_at == due
