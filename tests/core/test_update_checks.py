"""The update check (`core.updates`): a poll whose token still holds is answered 204 before
the session, the user or PostgreSQL is read; anything else (a version moved, another path
or session, a forged or aged token, Redis away, a signed-out browser) goes on to the view,
which draws what changed and hands out a fresh token."""

import re
import time
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calls.services.phone import phone_event_record
from cancellations.services.offers import offer_approve, offer_present
from core import updates
from tests.factories import ContractFactory
from tests.faults import REDIS_AWAY

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _drawn(html: str, frame: str = "console") -> tuple[str, str]:
    """(seen, check) of the polling frame `frame` as drawn."""
    tag = re.search(rf'<div id="{frame}"[^>]*>', html).group(0)
    seen = re.search(r"\?seen=([^\"]*)\"", tag)
    check = re.search(r'data-check="([^"]+)"', tag)
    return (unquote(seen.group(1)) if seen else ""), (check.group(1) if check else "")


def _poll(client, request, seen, check, **extra):
    url = reverse("console_poll", args=[request.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"seen": seen, "check": check}, **HTMX, **extra)
    return response, len(queries)


@pytest.fixture
def waiting(walk, agent, costly_offer, django_capture_on_commit_callbacks):
    """A competitor request waiting for a supervisor's approval of a costly offer."""
    with django_capture_on_commit_callbacks(execute=True):
        request = walk("competitor")
        offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    return request


@pytest.fixture
def console(client_as_agent, waiting):
    html = client_as_agent.get(reverse("console", args=[waiting.pk])).content.decode()
    seen, check = _drawn(html)
    assert seen and check
    return seen, check


def test_a_poll_that_holds_is_answered_without_a_query(client_as_agent, waiting, console):
    response, queries = _poll(client_as_agent, waiting, *console)
    assert response.status_code == 204
    assert queries == 0  # no session, no user, no request: the session store is PostgreSQL
    assert updates.CHECK_HEADER not in response


def test_a_supervisors_approval_reaches_the_next_poll(
    client_as_agent, waiting, console, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer_approve(request_id=waiting.pk, user=supervisor, note="OK for VIP")
    response, queries = _poll(client_as_agent, waiting, *console)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Approved by a supervisor" in body
    seen, check = _drawn(body)
    assert check and check != console[1]
    again, queries = _poll(client_as_agent, waiting, seen, check)
    assert (again.status_code, queries) == (204, 0)


def test_a_change_rolled_back_bumps_nothing(client_as_agent, waiting, console, supervisor):
    """Without a commit (the callbacks are dropped) no version moves: nothing to draw."""
    offer_approve(request_id=waiting.pk, user=supervisor, note="OK")  # never committed here
    response, queries = _poll(client_as_agent, waiting, *console)
    assert (response.status_code, queries) == (204, 0)


def test_a_token_for_another_path_goes_to_the_view(client_as_agent, waiting, console, walk):
    other = walk("financial_burden", contract_=ContractFactory())
    response, queries = _poll(client_as_agent, other, "x", console[1])
    assert response.status_code == 200 and queries > 0
    assert f"/desk/requests/{other.pk}/poll" in response.content.decode()


def test_a_token_in_another_session_goes_to_the_view(agent, waiting, console):
    other = Client()
    other.force_login(agent)  # the same person, signed in elsewhere: another session
    response, queries = _poll(other, waiting, *console)
    assert queries > 0
    assert response.status_code == 204  # the view's own answer: the screen is as drawn


@pytest.mark.parametrize(
    "forge",
    [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t, lambda t: ""],
)
def test_a_forged_token_goes_to_the_view(client_as_agent, waiting, console, forge):
    response, queries = _poll(client_as_agent, waiting, console[0], forge(console[1]))
    assert response.status_code == 204 and queries > 0


def test_an_aged_token_goes_to_the_view_which_hands_out_a_fresh_one(
    client_as_agent, waiting, console, monkeypatch
):
    later = time.time() + updates.CHECK_MAX_AGE + 1
    monkeypatch.setattr(updates.time, "time", lambda: later)
    response, queries = _poll(client_as_agent, waiting, *console)
    assert response.status_code == 204 and queries > 0  # compared by content hash
    fresh = response[updates.CHECK_HEADER]
    assert fresh and fresh != console[1]
    again, queries = _poll(client_as_agent, waiting, console[0], fresh)
    assert (again.status_code, queries) == (204, 0)


def test_a_signed_out_browser_is_sent_to_the_login(client_as_agent, waiting, console):
    client_as_agent.post(reverse("logout"))
    response, _ = _poll(client_as_agent, waiting, *console)
    assert response.status_code in (302, 401, 403)


def test_with_redis_away_the_poll_compares_content_as_before(
    client_as_agent, waiting, console, supervisor, settings, django_capture_on_commit_callbacks
):
    settings.CACHES = REDIS_AWAY
    html = client_as_agent.get(reverse("console", args=[waiting.pk])).content.decode()
    assert _drawn(html)[1] == ""  # no versions to sign
    response, queries = _poll(client_as_agent, waiting, *console)
    assert response.status_code == 204 and queries > 0
    with django_capture_on_commit_callbacks(execute=True):
        offer_approve(request_id=waiting.pk, user=supervisor, note="OK")  # bump lost: no Redis
    response, _ = _poll(client_as_agent, waiting, *console)
    assert response.status_code == 200
    assert "Approved by a supervisor" in response.content.decode()


def test_the_screen_pop_is_answered_without_a_query_until_a_call_comes(
    client_as_agent, agent, waiting, django_capture_on_commit_callbacks
):
    html = client_as_agent.get(reverse("console", args=[waiting.pk])).content.decode()
    check = re.search(r'<div id="phone-pop"[^>]*data-check="([^"]+)"', html).group(1)
    url = reverse("phone_pop")
    with CaptureQueriesContext(connection) as queries:
        quiet = client_as_agent.get(url, {"check": check}, **HTMX)
    assert (quiet.status_code, len(queries)) == (204, 0)
    with django_capture_on_commit_callbacks(execute=True):
        phone_event_record(
            event="answered", call_id="pbx-1", number=waiting.customer.phone, agent=agent.username
        )
    popped = client_as_agent.get(url, {"check": check}, **HTMX)
    assert popped.status_code == 200
    assert waiting.customer.name in popped.content.decode()
    after = client_as_agent.get(url, {"check": check}, **HTMX)
    assert after.status_code == 204  # taken once
