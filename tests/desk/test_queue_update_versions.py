"""The supervisors' queue and the floor are answered from Redis while nothing they show
changed (`core.updates`): each has one version, moved by every audited change to a request
or a claim (the queue) or to a request, a claim or a call (the floor). A poll whose token
holds costs no query; after a change it draws the new screen and a fresh token.

Every console step of both machines must move both versions, and every kind of queue row
has its cases here (a kind without one fails the test): the change must move the queue's
version and reach its poll. What changes the screens without an audit entry is listed at
the end, with the token's age as the bound."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from calls.choices import CallOutcome, CallTaskKind
from calls.services.dispatch import call_task_prepare
from calls.services.planning import call_task_request
from calls.services.taking import call_task_claim, call_task_log_outcome
from cancellations.models import OfferPresentation
from cancellations.services.closing import cancellation_insist, cancellation_withdraw
from cancellations.services.handling import cancellation_notes_save, cancellation_request_manager
from cancellations.services.offers import (
    offer_approval_withdraw,
    offer_approve,
    offer_deny,
    offer_present,
)
from cancellations.services.opening import cancellation_open
from cancellations.views.console import ACTIONS as REQUEST_ACTIONS
from claims.choices import ClaimState, CompensationForm, CustomerResponse, FlagReason
from claims.models import Claim
from claims.services.compensation import compensation_decide, compensation_propose
from claims.services.handling import claim_notes_save, claim_request_manager
from claims.services.opening import claim_open
from claims.services.post_handling import claim_set_deadline, claims_sweep
from claims.views import ACTIONS as CLAIM_ACTIONS
from core import updates
from core.updates import FLOOR_KEY, QUEUE_KEY, updates_read
from customers.models import Customer
from desk.services.supervision import (
    cancellation_hand_over,
    claim_hand_over,
    coaching_note_write,
)
from desk.views.approvals import KIND_LABELS
from tests.cancellations.test_update_versions import CASES as REQUEST_CASES
from tests.cancellations.test_update_versions import Fixtures, _awaiting
from tests.claims.helpers import SUPERVISOR_STEPS, response_for, take, walk_to
from tests.claims.test_update_versions import _case as claim_case
from tests.core.test_update_checks import HTMX, _drawn

pytestmark = pytest.mark.django_db

S = ClaimState
DESK_KEYS = [QUEUE_KEY, FLOOR_KEY]
SCREENS = {QUEUE_KEY: ("approvals", "queue"), FLOOR_KEY: ("floor", "board")}


@pytest.fixture
def f(walk, agent, supervisor, contract, reason, fee_offer, costly_offer, today):
    """What the cases below take: the request fixtures of the console walk, and claims."""

    def claim(state, *, response=CustomerResponse.AGREED):
        opened = claim_open(
            customer_id=contract.customer_id, contract_id=contract.pk, user=agent, subject="Leak"
        )
        return walk_to(opened, state, user=agent, response=response)

    return Fixtures(
        walk=walk,
        claim=claim,
        agent=agent,
        supervisor=supervisor,
        contract=contract,
        reason=reason,
        fee_offer=fee_offer,
        costly_offer=costly_offer,
        today=today,
    )


def _versions() -> dict:
    return updates_read(DESK_KEYS)


def _moved(before: dict) -> set[str]:
    after = _versions()
    return {key for key in DESK_KEYS if after[key] != before[key]}


class Screen:
    """A queue or floor as the browser holds it: the frame's version and update-check token,
    polled as desk.js polls (`seen` and `check`), the fresh token kept from each answer."""

    def __init__(self, client, key: str):
        self.client = client
        url_name, self.frame = SCREENS[key]
        self.url = reverse(url_name)
        self.seen, self.check = _drawn(client.get(self.url).content.decode(), self.frame)
        assert self.seen and self.check

    def poll(self):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url, {"seen": self.seen, "check": self.check}, **HTMX)
        if response.status_code == 200:
            self.seen, self.check = _drawn(response.content.decode(), self.frame)
        elif updates.CHECK_HEADER in response:
            self.check = response[updates.CHECK_HEADER]
        return response, len(queries)


# ---- one rule: every step on a request or a claim moves the queue and the floor -------------

CONSOLE_STEPS = [
    *(("request", name) for name in sorted(REQUEST_ACTIONS)),
    *(("claim", name) for name in sorted(CLAIM_ACTIONS)),
]


@pytest.mark.parametrize(("console", "name"), CONSOLE_STEPS)
def test_every_console_step_moves_the_queue_and_the_floor(
    console, name, f, django_capture_on_commit_callbacks
):
    if console == "request":
        reach, who, inputs = REQUEST_CASES[name]
        with django_capture_on_commit_callbacks(execute=True):
            request = reach(f)
        before = _versions()
        # Two minutes on, as on a call (an approval request may be withdrawn after 120 s).
        later = timezone.now() + timedelta(seconds=150)
        with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
            REQUEST_ACTIONS[name].service(request_id=request.pk, user=getattr(f, who), **inputs(f))
    else:
        state, inputs = claim_case(name)
        with django_capture_on_commit_callbacks(execute=True):
            claim = f.claim(state, response=response_for(name))
        before = _versions()
        user = f.supervisor if name in SUPERVISOR_STEPS else f.agent
        with django_capture_on_commit_callbacks(execute=True):
            CLAIM_ACTIONS[name].service(claim_id=claim.pk, user=user, **inputs())
    assert _moved(before) == set(DESK_KEYS), name


# ---- every kind of queue row: what brings it, changes it, takes it away ---------------------


def _withdrawable(f):
    """Awaiting approval long enough for the agent to take the customer off hold."""
    request = _awaiting(f.walk, f.agent, f.costly_offer)
    OfferPresentation.objects.filter(pk=request.current_presentation_id).update(
        approval_requested_at=timezone.now() - timedelta(seconds=150)
    )
    return request


def _manager_asked(f):
    request = f.walk("financial_burden")
    return cancellation_request_manager(request_id=request.pk, user=f.agent)


def _claim_manager_asked(f):
    claim = f.claim(S.LISTENED)
    return claim_request_manager(claim_id=claim.pk, user=f.agent)


def _proposed(f):
    claim = f.claim(S.COUNTERMEASURE_PLANNED)
    return compensation_propose(
        claim_id=claim.pk, user=f.agent, form=CompensationForm.VOUCHER, amount=900_000
    )


def _flagged(reason):
    def flag(f):
        claim = f.claim(S.LISTENED)
        Claim.objects.filter(pk=claim.pk).update(flagged_at=timezone.now(), flag_reason=reason)
        return claim

    return flag


# case -> (the kind of row, how to reach it, the change the queue must show)
QUEUE_CASES = {
    "an offer above the agent's authority is put on hold": (
        "approval",
        lambda f: f.walk("competitor"),
        lambda f, r: offer_present(request_id=r.pk, user=f.agent, offer_id=f.costly_offer.pk),
    ),
    "the supervisor approves": (
        "approval",
        lambda f: _awaiting(f.walk, f.agent, f.costly_offer),
        lambda f, r: offer_approve(request_id=r.pk, user=f.supervisor, note="OK"),
    ),
    "the supervisor denies": (
        "approval",
        lambda f: _awaiting(f.walk, f.agent, f.costly_offer),
        lambda f, r: offer_deny(request_id=r.pk, user=f.supervisor, note="Over the budget"),
    ),
    "the agent withdraws the approval request": (
        "approval",
        _withdrawable,
        lambda f, r: offer_approval_withdraw(request_id=r.pk, user=f.agent),
    ),
    "a supervisor takes over a call on hold": (
        "approval",
        lambda f: _awaiting(f.walk, f.agent, f.costly_offer),
        lambda f, r: cancellation_hand_over(request_id=r.pk, user=f.supervisor),
    ),
    "a customer asks for a manager": (
        "manager_request",
        lambda f: f.walk("financial_burden"),
        lambda f, r: cancellation_request_manager(request_id=r.pk, user=f.agent),
    ),
    "the call a manager was asked for moves on": (
        "manager_request",
        _manager_asked,
        lambda f, r: cancellation_insist(request_id=r.pk, user=f.agent),
    ),
    "the call a manager was asked for is withdrawn": (
        "manager_request",
        _manager_asked,
        lambda f, r: cancellation_withdraw(request_id=r.pk, user=f.agent),
    ),
    "a supervisor takes the call over": (
        "manager_request",
        _manager_asked,
        lambda f, r: cancellation_hand_over(request_id=r.pk, user=f.supervisor),
    ),
    "a customer with a claim asks for a manager": (
        "manager_claim",
        lambda f: f.claim(S.LISTENED),
        lambda f, c: claim_request_manager(claim_id=c.pk, user=f.agent),
    ),
    "a supervisor takes the claim over": (
        "manager_claim",
        _claim_manager_asked,
        lambda f, c: claim_hand_over(claim_id=c.pk, user=f.supervisor),
    ),
    "a claim is escalated": (
        "escalated",
        lambda f: f.claim(S.CAUSE_IDENTIFIED),
        lambda f, c: take("escalate", c, user=f.agent),
    ),
    "the supervisor instructs": (
        "escalated",
        lambda f: f.claim(S.ESCALATED),
        lambda f, c: take("instruct", c, user=f.supervisor),
    ),
    "a compensation above the threshold is proposed": (
        "compensation",
        lambda f: f.claim(S.COUNTERMEASURE_PLANNED),
        lambda f, c: compensation_propose(
            claim_id=c.pk, user=f.agent, form=CompensationForm.VOUCHER, amount=900_000
        ),
    ),
    "the supervisor approves the compensation": (
        "compensation",
        _proposed,
        lambda f, p: compensation_decide(compensation_id=p.pk, user=f.supervisor, approve=True),
    ),
    "the supervisor denies the compensation": (
        "compensation",
        _proposed,
        lambda f, p: compensation_decide(
            compensation_id=p.pk, user=f.supervisor, approve=False, note="Too much"
        ),
    ),
    "a step clears an idle flag": (
        "overdue",
        _flagged(FlagReason.IDLE),
        lambda f, c: take("identify_cause", c, user=f.agent),
    ),
    "a new promised deadline clears the flag": (
        "overdue",
        _flagged(FlagReason.DEADLINE),
        lambda f, c: claim_set_deadline(
            claim_id=c.pk, user=f.agent, deadline=timezone.now() + timedelta(days=2)
        ),
    ),
}


def test_every_kind_of_queue_row_has_its_cases_here():
    assert {kind for kind, _, _ in QUEUE_CASES.values()} == set(KIND_LABELS)


@pytest.mark.parametrize("case", sorted(QUEUE_CASES))
def test_each_change_to_a_queue_row_moves_the_queue_and_reaches_its_poll(
    case, f, client_as_supervisor, django_capture_on_commit_callbacks
):
    _, reach, change = QUEUE_CASES[case]
    _moves_and_reaches(
        client_as_supervisor, QUEUE_KEY, f, reach, change, django_capture_on_commit_callbacks
    )


def _moves_and_reaches(client, key, f, reach, change, capture):
    """`change` moves the screen's version (`key`); a poll that held before it brings the
    new frame, whose fresh token holds again."""
    with capture(execute=True):
        subject = reach(f)
    screen = Screen(client, key)
    response, queries = screen.poll()
    assert (response.status_code, queries) == (204, 0)
    before = _versions()
    with capture(execute=True):
        change(f, subject)
    assert key in _moved(before)
    response, queries = screen.poll()
    assert response.status_code == 200 and queries > 0  # the new frame
    response, queries = screen.poll()
    assert (response.status_code, queries) == (204, 0)  # its fresh token holds again


# ---- the queue's poll ------------------------------------------------------------------------


@pytest.fixture
def on_hold(f, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return _awaiting(f.walk, f.agent, f.costly_offer)


def test_a_queue_poll_that_holds_is_answered_without_a_query(client_as_supervisor, on_hold):
    queue = Screen(client_as_supervisor, QUEUE_KEY)
    for _ in range(3):
        response, queries = queue.poll()
        assert (response.status_code, queries) == (204, 0)
        assert updates.CHECK_HEADER not in response


def test_a_decision_in_the_queue_draws_a_frame_whose_token_is_for_the_queues_poll(
    client_as_supervisor, on_hold
):
    """The decision is a POST to another address; the frame it draws must still carry a
    token for the queue's own poll."""
    queue = Screen(client_as_supervisor, QUEUE_KEY)
    response = client_as_supervisor.post(
        reverse("approval_approve", args=[on_hold.pk]),
        {"note": "OK", "expected_state": "awaiting_approval"},
        **HTMX,
    )
    assert "Nothing is waiting for you." in response.content.decode()
    queue.seen, queue.check = _drawn(response.content.decode(), "queue")
    assert queue.check
    response, queries = queue.poll()
    assert (response.status_code, queries) == (204, 0)


def test_a_queue_change_rolled_back_bumps_nothing(client_as_supervisor, on_hold, supervisor):
    queue = Screen(client_as_supervisor, QUEUE_KEY)
    offer_approve(request_id=on_hold.pk, user=supervisor, note="OK")  # never committed here
    response, queries = queue.poll()
    assert (response.status_code, queries) == (204, 0)


def test_a_queue_token_does_not_hold_on_the_floor(client_as_supervisor, on_hold):
    queue = Screen(client_as_supervisor, QUEUE_KEY)
    with CaptureQueriesContext(connection) as queries:
        response = client_as_supervisor.get(
            reverse("floor"), {"seen": "x", "check": queue.check}, **HTMX
        )
    assert response.status_code == 200 and len(queries) > 0


def test_the_queue_still_polls_by_content_with_redis_away(
    client_as_supervisor, on_hold, supervisor, settings, django_capture_on_commit_callbacks
):
    queue = Screen(client_as_supervisor, QUEUE_KEY)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response, queries = queue.poll()
    assert response.status_code == 204 and queries > 0
    with django_capture_on_commit_callbacks(execute=True):
        offer_approve(request_id=on_hold.pk, user=supervisor, note="OK")  # bump lost
    response, _ = queue.poll()
    assert response.status_code == 200
    assert "Nothing is waiting for you." in response.content.decode()


# ---- the floor -------------------------------------------------------------------------------


def _due_call(f):
    return call_task_request(
        kind=CallTaskKind.SAVE_FOLLOW_UP,
        customer_id=f.contract.customer_id,
        due_at=timezone.now() - timedelta(minutes=1),
        idempotency_key="floor-due-call",
    )


def _due_call_then_do_not_call(f):
    task = _due_call(f)
    Customer.objects.filter(pk=f.contract.customer_id).update(do_not_call=True)
    return task


def _taken_call(f):
    return call_task_claim(call_task_id=_due_call(f).pk, user=f.agent)


# case -> (how to reach it, the change the floor must show)
FLOOR_CASES = {
    "a call is opened": (
        lambda f: None,
        lambda f, _: cancellation_open(contract_id=f.contract.pk, user=f.agent),
    ),
    "a call moves on": (
        lambda f: f.walk("financial_burden"),
        lambda f, r: cancellation_insist(request_id=r.pk, user=f.agent),
    ),
    "a call is withdrawn": (
        lambda f: f.walk("financial_burden"),
        lambda f, r: cancellation_withdraw(request_id=r.pk, user=f.agent),
    ),
    "a call is handed over": (
        lambda f: f.walk("financial_burden"),
        lambda f, r: cancellation_hand_over(request_id=r.pk, user=f.supervisor),
    ),
    "a claim is opened": (
        lambda f: None,
        lambda f, _: claim_open(
            customer_id=f.contract.customer_id, contract_id=f.contract.pk, user=f.agent, subject="x"
        ),
    ),
    "a claim is handed over": (
        lambda f: f.claim(S.LISTENED),
        lambda f, c: claim_hand_over(claim_id=c.pk, user=f.supervisor),
    ),
    "a waiting call is taken": (
        _due_call,
        lambda f, t: call_task_claim(call_task_id=t.pk, user=f.agent),
    ),
    "a call is planned (it waits in its queue)": (
        lambda f: None,
        lambda f, _: _due_call(f),
    ),
    "a due call to a customer who asked not to be called is cancelled": (
        _due_call_then_do_not_call,
        lambda f, t: call_task_prepare(call_task_id=t.pk),
    ),
    "a taken call's outcome is logged": (
        _taken_call,
        lambda f, t: call_task_log_outcome(
            call_task_id=t.pk, user=f.agent, outcome=CallOutcome.REACHED
        ),
    ),
}


@pytest.mark.parametrize("case", sorted(FLOOR_CASES))
def test_each_change_on_the_floor_moves_its_version_and_reaches_its_poll(
    case, f, client_as_supervisor, django_capture_on_commit_callbacks
):
    reach, change = FLOOR_CASES[case]
    _moves_and_reaches(
        client_as_supervisor, FLOOR_KEY, f, reach, change, django_capture_on_commit_callbacks
    )


def test_a_coaching_note_moves_neither_screen(f, django_capture_on_commit_callbacks):
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        coaching_note_write(user=f.supervisor, agent_id=f.agent.pk, text="Well done")
    assert _moved(before) == set()


# ---- changes without an audit entry ----------------------------------------------------------


def test_notes_typed_on_a_call_move_neither_screen(f, django_capture_on_commit_callbacks):
    """Neither screen shows notes, and they are saved as they are typed: bumping the
    supervisors' screens on every keystroke pause would keep their polls from holding."""
    request = f.walk("financial_burden")
    claim = f.claim(S.LISTENED)
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        cancellation_notes_save(request_id=request.pk, user=f.agent, notes="Call back at 5")
        claim_notes_save(claim_id=claim.pk, user=f.agent, notes="Technician booked")
    assert _moved(before) == set()


def _idle_claim_swept(f):
    """A received claim left alone past its step's idle limit, flagged by the sweep (a bulk
    UPDATE, no `audit_record`): a new row in the queue, an overdue claim on the floor."""
    claim = f.claim(S.RECEIVED)
    return lambda: claims_sweep(now=claim.received_at + timedelta(hours=2))


def test_the_sweeps_flags_move_the_queue_and_the_floor(f, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sweep = _idle_claim_swept(f)
    before = _versions()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["idle"] == 1
    assert _moved(before) == set(DESK_KEYS)


def test_a_change_that_bumps_nothing_reaches_the_queue_once_the_token_is_too_old(
    f, client_as_supervisor, django_capture_on_commit_callbacks
):
    """The bound for whatever forgot to bump: a token older than CHECK_MAX_AGE goes to the
    view, which compares the content."""
    with django_capture_on_commit_callbacks(execute=True):
        claim = f.claim(S.RECEIVED)
    queue = Screen(client_as_supervisor, QUEUE_KEY)
    # Flagged behind the services' back (no audit entry, no bump).
    Claim.objects.filter(pk=claim.pk).update(flagged_at=timezone.now(), flag_reason=FlagReason.IDLE)
    drawn_at = timezone.now()
    with time_machine.travel(drawn_at + timedelta(seconds=updates.CHECK_MAX_AGE - 5)):
        response, queries = queue.poll()
    assert (response.status_code, queries) == (204, 0)  # stale, for now
    with time_machine.travel(drawn_at + timedelta(seconds=updates.CHECK_MAX_AGE + 1)):
        response, queries = queue.poll()
    assert response.status_code == 200 and queries > 0
    assert "data-overdue-claim=" in response.content.decode()
