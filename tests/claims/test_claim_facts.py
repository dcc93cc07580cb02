"""Reporting facts: closed claims and requests copied once, whatever runs at the same time."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cancellations.services.closing import cancellation_confirm, cancellation_requote
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.models import Reason
from claims.choices import ClaimState as S
from reporting.models import ClaimFact, RequestFact
from reporting.services.facts import facts_refresh
from tests.claims.helpers import PATH, fresh, take, walk_to
from tests.concurrency import race
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _confirm(request, agent):
    today = timezone.localdate()
    cancellation_requote(request_id=request.pk, user=agent, effective_date=today)
    cancellation_confirm(request_id=request.pk, user=agent, pickup_date=today)


def test_a_closed_claim_becomes_one_fact_with_its_time_per_step(open_claim, agent, supervisor):
    start = timezone.now() - timedelta(hours=5)
    with time_machine.travel(start, tick=False) as clock:
        claim = open_claim()
        steps = [*PATH[S.CLOSED]]
        for step in steps:
            clock.shift(timedelta(minutes=10))
            take(
                step,
                claim,
                user=agent,
                **({"response": "agreed"} if step == "present_solution" else {}),
            )
        claim = fresh(claim)
    assert facts_refresh()["claims"] == 1
    fact = ClaimFact.objects.get(claim=claim)
    assert fact.seconds_apology == 600
    assert fact.seconds_listening == 600 and fact.seconds_cause == 600
    assert fact.seconds_escalated is None  # never escalated: no time in that step
    assert fact.seconds_total == 600 * len(steps)
    assert fact.escalated is False and fact.led_to_cancellation is False
    assert facts_refresh()["claims"] == 0


def test_an_open_claim_is_not_counted_yet(open_claim):
    open_claim()
    assert facts_refresh()["claims"] == 0


def test_a_cancellation_from_a_claim_marks_the_claim_later(open_claim, agent):
    claim = walk_to(open_claim(), S.CLOSED, user=agent)
    facts_refresh()
    request = cancellation_open(contract_id=claim.contract_id, user=agent, source_claim_id=claim.pk)
    cancellation_identify_reason(
        request_id=request.pk, user=agent, reason_id=Reason.objects.get(code="emigration").pk
    )
    _confirm(request, agent)
    facts_refresh()
    assert ClaimFact.objects.get(claim=claim).led_to_cancellation is True


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_copy_each_request_once(agent):
    for _ in range(3):
        request = cancellation_open(contract_id=ContractFactory().pk, user=agent)
        cancellation_identify_reason(
            request_id=request.pk, user=agent, reason_id=Reason.objects.get(code="emigration").pk
        )
        _confirm(request, agent)
    outcomes = race(facts_refresh, lambda: facts_refresh(full=True))
    assert all(outcome.error is None for outcome in outcomes), [o.error for o in outcomes]
    assert sorted(outcome.value["requests"] for outcome in outcomes) == [0, 3]
    assert RequestFact.objects.count() == 3
