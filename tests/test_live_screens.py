"""Every live screen hears every change someone else makes to what it shows.

Each screen is drawn, then another person (or a task) changes one thing it shows through
the real services, and the screen's poll must answer with the new content instead of 204.
And while nothing changes (only time passes), the poll stays silent.
"""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from calls.choices import CallTaskKind
from calls.services.planning import call_task_request
from calls.services.taking import call_task_claim
from cancellations.services.handling import cancellation_notes_save, cancellation_tag_customer_type
from cancellations.services.offers import offer_approve, offer_present
from cancellations.services.opening import cancellation_open
from catalog.models import CustomerType
from claims.choices import ClaimState
from claims.services.compensation import compensation_decide, compensation_propose
from claims.services.handling import claim_notes_save
from claims.services.opening import claim_open
from claims.services.steps import claim_instruct
from desk.services.supervision import handler_change
from tests.claims.helpers import walk_to
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


def _seen(html: str) -> str:
    return unquote(re.search(r'\?seen=([^"&]+)"', html).group(1))


class Screen:
    """A screen as a browser holds it: drawn once, then polled with the version it has."""

    def __init__(self, client, page_url: str, poll_url: str | None = None):
        self.client, self.poll_url = client, poll_url or page_url
        self.version = _seen(client.get(page_url, HTTP_HX_REQUEST="true").content.decode())

    def poll(self):
        return self.client.get(self.poll_url, {"seen": self.version}, HTTP_HX_REQUEST="true")

    def assert_silent(self):
        assert self.poll().status_code == 204

    def assert_hears(self, *texts: str):
        response = self.poll()
        assert response.status_code == 200, "the change did not reach the screen"
        body = response.content.decode()
        for text in texts:
            assert text in body, text
        self.version = _seen(body)
        self.assert_silent()


@pytest.fixture
def someone_else(db):
    return UserFactory(
        username="supervisor-oh", role=Role.SUPERVISOR, first_name="세영", last_name="오"
    )


# ---- the cancellation console ----------------------------------------------------------------


def _console(client, request) -> Screen:
    return Screen(
        client,
        reverse("console", args=[request.pk]),
        reverse("console_poll", args=[request.pk]),
    )


def test_the_console_hears_a_supervisors_decision(
    client_as_agent, agent, someone_else, walk, costly_offer
):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    screen = _console(client_as_agent, request)
    screen.assert_silent()
    offer_approve(request_id=request.pk, user=someone_else, note="Go ahead")
    screen.assert_hears("Approved by a supervisor", "Go ahead")


def test_the_console_hears_a_take_over_and_others_notes_and_a_tag(
    client_as_agent, agent, someone_else, walk
):
    request = walk("financial_burden")
    screen = _console(client_as_agent, request)
    cancellation_notes_save(request_id=request.pk, user=someone_else, notes="Called twice")
    screen.assert_hears('class="notes-by-other"', "Called twice", "오세영 changed these notes")
    loud = CustomerType.objects.get(code="loud_protester")
    cancellation_tag_customer_type(
        request_id=request.pk, user=someone_else, customer_type_id=loud.pk
    )
    screen.assert_hears(escape(loud.tips))
    from cancellations.models import CancellationRequest

    handler_change(
        queryset=CancellationRequest.objects.all(),
        pk=request.pk,
        user=someone_else,
        new_agent_id=None,
        missing="",
    )
    handed = screen.poll()  # the call left the agent: who has it now, nothing of the call
    assert handed.status_code == 200
    assert "오세영 now handles this call" in handed.content.decode()
    assert "Called twice" not in handed.content.decode()


def test_the_console_is_silent_while_only_time_passes(client_as_agent, agent, walk, costly_offer):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        screen = _console(client_as_agent, request)
        clock.shift(timedelta(seconds=40))  # the customer waits on hold: the clock ticks
        screen.assert_silent()


def test_my_own_notes_do_not_redraw_my_console(client_as_agent, agent, walk):
    request = walk("financial_burden")
    screen = _console(client_as_agent, request)
    cancellation_notes_save(request_id=request.pk, user=agent, notes="my own words")
    screen.assert_silent()


# ---- the claim console -----------------------------------------------------------------------


def test_the_claim_console_hears_compensation_decisions_instructions_and_notes(
    client_as_agent, agent, someone_else
):
    contract = ContractFactory()
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leak")
    screen = Screen(
        client_as_agent,
        reverse("claim_console", args=[claim.pk]),
        reverse("claim_poll", args=[claim.pk]),
    )
    compensation = compensation_propose(
        claim_id=claim.pk, user=agent, form="voucher", amount=60_000
    )
    screen.assert_hears("Waiting for a supervisor")
    compensation_decide(
        compensation_id=compensation.pk, user=someone_else, approve=True, note="Fine by me"
    )
    screen.assert_hears("Approved", "Fine by me")
    walk_to(claim, ClaimState.ESCALATED, user=agent)
    screen.assert_hears("Escalated")
    claim_instruct(claim_id=claim.pk, user=someone_else, instruction="Replace the unit today")
    screen.assert_hears("Replace the unit today", "오세영")
    claim_notes_save(claim_id=claim.pk, user=someone_else, notes="Spoke to the tech")
    screen.assert_hears("Spoke to the tech")


# ---- the supervisor queue, the floor, my calls ------------------------------------------------


def test_the_queue_hears_new_work_and_hand_overs(
    client_as_supervisor, agent, someone_else, walk, costly_offer
):
    screen = Screen(client_as_supervisor, reverse("approvals"))
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    screen.assert_hears(f'data-request="{request.pk}"')
    contract = ContractFactory()
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Noise")
    compensation_propose(claim_id=claim.pk, user=agent, form="voucher", amount=80_000)
    screen.assert_hears("data-compensation=")
    from cancellations.models import CancellationRequest

    handler_change(
        queryset=CancellationRequest.objects.all(),
        pk=request.pk,
        user=someone_else,
        new_agent_id=None,
        missing="",
    )
    screen.assert_hears("오세영")


def test_the_floor_hears_a_new_call_and_a_claim(client_as_supervisor, agent, contract):
    screen = Screen(client_as_supervisor, reverse("floor"))
    request = cancellation_open(contract_id=contract.pk, user=agent)
    screen.assert_hears(f'data-call="{request.pk}"')
    claim_open(customer_id=contract.customer_id, user=agent, subject="Noise")
    screen.assert_hears("agent-kim")


def test_my_calls_hear_a_new_call_and_one_taken_by_someone_else(client_as_agent, agent):
    screen = Screen(client_as_agent, reverse("my_calls"))
    customer = ContractFactory().customer
    call = call_task_request(
        kind=CallTaskKind.SAVE_FOLLOW_UP,
        customer_id=customer.pk,
        due_at=timezone.now() - timedelta(minutes=1),
        idempotency_key="live-screen-call",
    )
    screen.assert_hears(customer.name, reverse("call_take", args=[call.pk]))
    colleague = UserFactory(username="agent-seo", role=Role.AGENT)
    call_task_claim(call_task_id=call.pk, user=colleague)
    response = screen.poll()
    assert response.status_code == 200
    assert reverse("call_take", args=[call.pk]) not in response.content.decode()
