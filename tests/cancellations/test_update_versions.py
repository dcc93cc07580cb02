"""Every step of the cancellation console bumps the request's version once it commits, so
an open console's update check stops holding and the next poll draws the change. The walk
covers every action the console offers: a new one without a case here fails the test."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from cancellations.models import CancellationRequest
from cancellations.services.closing import cancellation_insist, cancellation_schedule_callback
from cancellations.services.handling import cancellation_notes_save
from cancellations.services.offers import offer_present
from cancellations.services.opening import cancellation_open
from cancellations.views.console import ACTIONS
from catalog.models import CustomerType
from core.errors import ServiceError
from core.updates import update_key, updates_read

pytestmark = pytest.mark.django_db


def _cancelling(walk, agent):
    request = walk("financial_burden")
    return cancellation_insist(request_id=request.pk, user=agent)


def _awaiting(walk, agent, costly_offer):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    return CancellationRequest.objects.get(pk=request.pk)


def _presented(walk, agent, fee_offer):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    return CancellationRequest.objects.get(pk=request.pk)


def _callback(walk, agent):
    request = walk("financial_burden")
    return cancellation_schedule_callback(
        request_id=request.pk, user=agent, callback_at=timezone.now() + timedelta(days=1)
    )


def _none(f):
    return {}


# action -> (how to reach a state where it may be taken, who takes it, its input)
CASES = {
    "identify_reason": (
        lambda f: cancellation_open(contract_id=f.contract.pk, user=f.agent),
        "agent",
        lambda f: {"reason_id": f.reason("fee_burden").pk},
    ),
    "present_offer": (
        lambda f: f.walk("financial_burden"),
        "agent",
        lambda f: {"offer_id": f.fee_offer.pk},
    ),
    "accept_offer": (lambda f: _presented(f.walk, f.agent, f.fee_offer), "agent", _none),
    "decline_offer": (lambda f: _presented(f.walk, f.agent, f.fee_offer), "agent", _none),
    "approve_offer": (lambda f: _awaiting(f.walk, f.agent, f.costly_offer), "supervisor", _none),
    "deny_offer": (
        lambda f: _awaiting(f.walk, f.agent, f.costly_offer),
        "supervisor",
        lambda f: {"note": "Over the budget"},
    ),
    "withdraw_approval_request": (
        lambda f: _awaiting(f.walk, f.agent, f.costly_offer),
        "agent",
        _none,
    ),
    "insist_on_cancelling": (lambda f: f.walk("financial_burden"), "agent", _none),
    "requote": (
        lambda f: _cancelling(f.walk, f.agent),
        "agent",
        lambda f: {"effective_date": f.today + timedelta(days=10)},
    ),
    "reconsider": (lambda f: _cancelling(f.walk, f.agent), "agent", _none),
    "confirm_cancellation": (
        lambda f: _cancelling(f.walk, f.agent),
        "agent",
        lambda f: {"pickup_date": f.today + timedelta(days=3)},
    ),
    "schedule_callback": (
        lambda f: f.walk("financial_burden"),
        "agent",
        lambda f: {"callback_at": timezone.now() + timedelta(days=1)},
    ),
    "resume": (lambda f: _callback(f.walk, f.agent), "agent", _none),
    "withdraw": (lambda f: f.walk("financial_burden"), "agent", _none),
    "request_manager": (lambda f: f.walk("financial_burden"), "agent", _none),
    "tag_customer_type": (
        lambda f: f.walk("financial_burden"),
        "agent",
        lambda f: {"customer_type_id": CustomerType.objects.filter(is_active=True).first().pk},
    ),
}


class Fixtures:
    def __init__(self, **named):
        self.__dict__.update(named)


@pytest.fixture
def f(walk, agent, supervisor, contract, reason, fee_offer, costly_offer, today):
    return Fixtures(
        walk=walk,
        agent=agent,
        supervisor=supervisor,
        contract=contract,
        reason=reason,
        fee_offer=fee_offer,
        costly_offer=costly_offer,
        today=today,
    )


def _versions(request) -> dict:
    keys = [update_key(request), f"upd:customers.customer:{request.customer_id}"]
    return updates_read(keys)


def test_every_console_action_has_a_case_here():
    assert set(CASES) == set(ACTIONS)


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_each_console_step_bumps_the_request_and_its_customer(
    name, f, django_capture_on_commit_callbacks
):
    reach, who, inputs = CASES[name]
    with django_capture_on_commit_callbacks(execute=True):
        request = reach(f)
    before = _versions(request)
    action = ACTIONS[name]
    # Two minutes on, as on a call (an approval request may be withdrawn after 120 s).
    later = timezone.now() + timedelta(seconds=150)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        action.service(request_id=request.pk, user=getattr(f, who), **inputs(f))
    after = _versions(request)
    assert after[update_key(request)] != before[update_key(request)], name
    assert set(after.values()).isdisjoint(before.values()), name


def test_notes_typed_by_another_person_bump_the_request(
    f, supervisor, django_capture_on_commit_callbacks
):
    request = f.walk("financial_burden")
    before = _versions(request)
    with django_capture_on_commit_callbacks(execute=True):
        cancellation_notes_save(request_id=request.pk, user=supervisor, notes="Call back at 5")
    assert _versions(request)[update_key(request)] != before[update_key(request)]


def test_a_refused_step_bumps_nothing(f, django_capture_on_commit_callbacks):
    request = f.walk("financial_burden")
    before = _versions(request)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError):
        ACTIONS["confirm_cancellation"].service(
            request_id=request.pk, user=f.agent, pickup_date=f.today
        )
    assert _versions(request) == before
    assert CancellationRequest.objects.get(pk=request.pk).state == request.state
    assert cache.get(update_key(request)) == before[update_key(request)]
