"""A console page drawn once is kept under the versions of what it shows, the viewer, their
language, time zone and day (core.screens.screen_draw_kept): the next page with the same
versions reads nothing but the session, the person and the request, and carries this
request's CSRF token and new one-time form keys; any version that moves draws it anew."""

import re

import pytest
from django.db import connection
from django.middleware.csrf import get_token
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cancellations.services.offers import offer_approve, offer_present
from claims.services.opening import claim_open
from core.screens import _fresh_values
from tests.auth import MODEL_BACKEND
from tests.factories import ContractFactory
from tests.faults import REDIS_AWAY

pytestmark = pytest.mark.django_db

KEPT_PAGE = 3  # the session, the person, the request (its permission check)


def _page(client, request) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("console", args=[request.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _without_fresh_values(html: str) -> str:
    return re.sub(r'name="(csrfmiddlewaretoken|submission|check)" value="[^"]*"', "", html)


def test_the_second_page_is_the_kept_screen(client_as_agent, walk, fee_offer):
    request = walk("financial_burden")
    first, drawn = _page(client_as_agent, request)
    again, queries = _page(client_as_agent, request)
    assert queries == KEPT_PAGE < drawn
    assert "FEE-3000" in again or fee_offer.name_en in again
    strip = lambda html: re.sub(r'data-check="[^"]*"', "", _without_fresh_values(html))  # noqa: E731
    assert strip(again) == strip(first)


def test_a_kept_screen_carries_this_requests_csrf_token(client_as_agent, walk, fee_offer):
    request = walk("financial_burden")
    _page(client_as_agent, request)
    kept, queries = _page(client_as_agent, request)
    assert queries == KEPT_PAGE
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept).group(1)
    client_as_agent.handler.enforce_csrf_checks = True
    response = client_as_agent.post(
        reverse("console_act", args=[request.pk, "present_offer"]),
        {"expected_state": request.state, "offer": fee_offer.pk, "csrfmiddlewaretoken": token},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    request.refresh_from_db()
    assert request.state == "offer_presented"


def test_kept_values_that_must_be_new_are_new(rf):
    """One-time form keys (a form sent twice does its work once) are never served twice."""
    asked = rf.get("/")
    csrf = '<input type="hidden" name="csrfmiddlewaretoken" value="old">'
    html = csrf + '<input type="hidden" name="submission" value="same">' * 2
    fresh = _fresh_values(asked, html)
    keys = re.findall(r'name="submission" value="([^"]+)"', fresh)
    assert len(set(keys)) == 2 and "same" not in keys
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', fresh)
    assert token != "old" and len(token) == len(get_token(asked))


def test_a_change_that_moves_a_version_draws_the_page_anew(
    client_as_agent, supervisor, walk, agent, costly_offer, django_capture_on_commit_callbacks
):
    request = walk("competitor")
    with django_capture_on_commit_callbacks(execute=True):
        offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    _page(client_as_agent, request)
    waiting, queries = _page(client_as_agent, request)
    assert queries == KEPT_PAGE and "Waiting for a supervisor" in waiting
    with django_capture_on_commit_callbacks(execute=True):
        offer_approve(request_id=request.pk, user=supervisor, note="OK")
    approved, queries = _page(client_as_agent, request)
    assert queries > KEPT_PAGE
    assert "Approved by a supervisor" in approved


def test_each_viewer_and_language_has_its_own_kept_screen(
    client_as_agent, supervisor, agent, walk, costly_offer
):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    as_agent, _ = _page(client_as_agent, request)
    other = Client()
    other.force_login(supervisor, backend=MODEL_BACKEND)
    as_supervisor, queries = _page(other, request)
    assert queries > KEPT_PAGE  # not the agent's
    assert "Approve" not in as_agent and "Approve" in as_supervisor
    agent.language = "ko"
    agent.save()
    in_korean, queries = _page(client_as_agent, request)
    assert queries > KEPT_PAGE and "승인" in in_korean


def test_a_refused_step_is_drawn_not_kept(client_as_agent, walk):
    request = walk("financial_burden")
    _page(client_as_agent, request)
    response = client_as_agent.post(
        reverse("console_act", args=[request.pk, "decline_offer"]),
        {"expected_state": request.state},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert _page(client_as_agent, request)[1] == KEPT_PAGE  # the kept one is still the page


def test_with_redis_away_every_page_is_drawn(client_as_agent, walk, settings):
    request = walk("financial_burden")
    settings.CACHES = REDIS_AWAY
    _, first = _page(client_as_agent, request)
    _, again = _page(client_as_agent, request)
    assert again == first > KEPT_PAGE


def test_the_claim_console_is_kept_too_and_a_step_is_answered_drawn(client_as_agent, agent):
    contract = ContractFactory()
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leaks")
    url = reverse("claim_console", args=[claim.pk])
    client_as_agent.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert "Apologise first" in client_as_agent.get(url).content.decode()
    assert len(queries) == KEPT_PAGE
    answer = client_as_agent.post(
        reverse("claim_act", args=[claim.pk, "apologize"]),
        {"expected_state": "received"},
        HTTP_HX_REQUEST="true",
    )
    assert "Apologise first" not in answer.content.decode()
