"""Nothing lost (SPEC §7) between the database and the broker: a task failing half-way is
retried by the real worker and the call still happens once; with Redis down the desk keeps
working, and the calls it could not enqueue are enqueued once Redis is back."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from calls.choices import CallTaskKind, CallTaskStatus, SurveyTouchpoint
from calls.models import CallTask, Survey
from calls.services import dispatch
from calls.services import surveys as survey_services
from calls.services.dispatch import call_tasks_dispatch_due
from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from cancellations.services.offers import offer_accept, offer_present
from tests.calls.helpers import plan_call, wait_for
from tests.calls.worker import broker_unreachable, running_worker

pytestmark = pytest.mark.django_db(transaction=True)


def _fresh(task) -> CallTask:
    return CallTask.objects.get(pk=task.pk)


def test_a_preparation_failing_half_way_is_retried_by_the_worker_and_happens_once(
    customer, prepare_runs, monkeypatch
):
    call = plan_call(customer, kind=CallTaskKind.SURVEY)
    invite = survey_services.survey_invite_for_call
    invitations = []

    def invite_then_lose_the_database_once(*, task):
        survey = invite(task=task)  # the survey row is written, the email is waiting...
        invitations.append(survey.pk)
        if len(invitations) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return survey

    monkeypatch.setattr(dispatch, "survey_invite_for_call", invite_then_lose_the_database_once)

    assert call_tasks_dispatch_due() == [call.pk]
    wait_for(lambda: "SUCCESS" in prepare_runs.of(call.pk), what="the retried preparation")
    prepare_runs.drain()

    assert prepare_runs.of(call.pk) == ["RETRY", "SUCCESS"]  # autoretry, then done
    assert len(invitations) == 2
    kept = _fresh(call)
    assert kept.prepared_at is not None
    assert kept.status == CallTaskStatus.DUE
    survey = Survey.objects.get()  # the first attempt's row was rolled back with it
    assert survey.pk == invitations[1]
    assert survey.idempotency_key == f"survey-call:{call.pk}"
    assert len(mail.outbox) == 1  # the first attempt's email never left


def test_with_redis_down_the_desk_keeps_working_and_no_call_is_lost(
    walk, agent, fee_offer, contract, broker, enqueue_warnings
):
    customer = contract.customer
    customer.email = "saved@example.com"
    customer.save(update_fields=["email"])
    start = timezone.now()
    outage = start + timedelta(days=8)  # both calls due by then
    redispatch = timedelta(minutes=settings.CALLS_REDISPATCH_MINUTES)

    with broker_unreachable():
        # a save, start to finish, while Redis is unreachable
        request = walk("financial_burden")
        offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
        offer_accept(request_id=request.pk, user=agent)
        calls = {task.kind: task for task in CallTask.objects.filter(cancellation_request=request)}
        assert set(calls) == {CallTaskKind.SAVE_FOLLOW_UP, CallTaskKind.SURVEY}
        assert all(task.status == CallTaskStatus.SCHEDULED for task in calls.values())

        with time_machine.travel(outage):
            began = time.monotonic()
            dispatched = call_tasks_dispatch_due()  # cannot enqueue: logs it, does not raise
            assert time.monotonic() - began < 10
    assert CancellationRequest.objects.get(pk=request.pk).state == RequestState.RETAINED
    assert sorted(dispatched) == sorted(task.pk for task in calls.values())
    assert any("could not enqueue" in message for message in enqueue_warnings())
    for task in calls.values():
        stranded = _fresh(task)
        assert (stranded.status, stranded.prepared_at) == (CallTaskStatus.DUE, None)

    # Redis is back, and a worker. Within CALLS_REDISPATCH_MINUTES nothing is resent...
    with running_worker() as prepare_runs:
        with time_machine.travel(outage + redispatch / 2):
            assert call_tasks_dispatch_due() == []
            prepare_runs.drain()
        assert all(prepare_runs.of(task.pk) == [] for task in calls.values())

        # ...after it, the stranded calls are enqueued again and prepared, each once.
        with time_machine.travel(outage + redispatch + timedelta(minutes=1)):
            assert call_tasks_dispatch_due() == []  # nothing newly due; the stranded are resent
            prepare_runs.drain()
            for task in calls.values():
                assert prepare_runs.of(task.pk) == ["SUCCESS"]
                assert _fresh(task).prepared_at is not None
            prepared = {task.pk: _fresh(task).prepared_at for task in calls.values()}

        with time_machine.travel(outage + redispatch * 4):
            call_tasks_dispatch_due()  # prepared rows are not stranded: nothing is resent
            prepare_runs.drain()
    for task in calls.values():
        assert prepare_runs.of(task.pk) == ["SUCCESS"]
        assert _fresh(task).prepared_at == prepared[task.pk]
    survey = Survey.objects.get()
    assert survey.touchpoint == SurveyTouchpoint.SAVE
    assert survey.cancellation_request_id == request.pk
    assert [message.to for message in mail.outbox] == [["saved@example.com"]]
