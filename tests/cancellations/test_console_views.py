"""The cancellation console's screens: starting a cancellation, walking the branches, stale
clicks, bad input, notes, tips, the poll; and the agent's pages and posts per role."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from cancellations.services.closing import cancellation_withdraw
from cancellations.services.offers import offer_approve, offer_present
from tests.cancellations.helpers import request_state
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db

S = RequestState


def _act(client, request, name, data=None, htmx=True, seen=None):
    payload = {
        "expected_state": seen if seen is not None else request_state(request),
        **(data or {}),
    }
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("console_act", args=[request.pk, name]), payload, **headers)


def test_start_cancellation_opens_the_console(client_as_agent, agent):
    contract = ContractFactory()
    response = client_as_agent.post(reverse("cancel_start", args=[contract.pk]))
    request = CancellationRequest.objects.get(contract=contract)
    assert response.url == reverse("console", args=[request.pk])
    assert request.agent == agent


def test_starting_twice_goes_to_the_open_request(client_as_agent):
    contract = ContractFactory()
    client_as_agent.post(reverse("cancel_start", args=[contract.pk]))
    response = client_as_agent.post(reverse("cancel_start", args=[contract.pk]))
    assert CancellationRequest.objects.count() == 1
    assert response.url == reverse("console", args=[CancellationRequest.objects.get().pk])


def test_starting_on_a_cancelled_contract_says_why(client_as_agent):
    contract = ContractFactory(status="cancelled", cancelled_on=timezone.localdate())
    response = client_as_agent.post(reverse("cancel_start", args=[contract.pk]), follow=True)
    assert "nothing left to cancel" in response.content.decode()
    assert not CancellationRequest.objects.exists()


# ---- the console -----------------------------------------------------------------------------


def test_console_buttons_are_exactly_the_available_transitions(client_as_agent, opened):
    body = client_as_agent.get(reverse("console", args=[opened.pk])).content.decode()
    assert "Record the reason" in body
    assert "Customer insists on cancelling" in body
    assert "Customer wants to think it over" in body
    assert "Customer accepts" not in body
    assert "Confirm the cancellation" not in body
    assert "Approve" not in body


def test_walk_financial_branch_to_retained(client_as_agent, opened, reason, fee_offer):
    response = _act(client_as_agent, opened, "identify_reason", {"reason": reason("fee_burden").pk})
    body = response.content.decode()
    assert request_state(opened) == S.FINANCIAL_BURDEN
    assert fee_offer.name_en in body
    assert 'data-offer-key="1"' in body
    _act(client_as_agent, opened, "present_offer", {"offer": fee_offer.pk})
    assert request_state(opened) == S.OFFER_PRESENTED
    body = _act(client_as_agent, opened, "accept_offer").content.decode()
    assert request_state(opened) == S.RETAINED
    assert "This request is closed." in body
    opened.contract.refresh_from_db()
    assert opened.contract.monthly_fee == 27000


def test_walk_to_cancelled_shows_the_quote(client_as_agent, opened, reason, today):
    _act(client_as_agent, opened, "identify_reason", {"reason": reason("product_quality").pk})
    body = _act(client_as_agent, opened, "insist_on_cancelling").content.decode()
    assert request_state(opened) == S.CANCELLING
    assert "Cancellation quote" in body
    assert "Penalty on the remaining fees" in body
    later = (today + timedelta(days=5)).isoformat()
    _act(client_as_agent, opened, "confirm_cancellation", {"pickup_date": later})
    assert request_state(opened) == S.CANCELLED


def test_a_stale_click_shows_the_conflict_and_the_fresh_state(client_as_agent, opened, reason):
    _act(client_as_agent, opened, "identify_reason", {"reason": reason("fee_burden").pk})
    response = _act(client_as_agent, opened, "insist_on_cancelling", seen="opened")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this" in body
    assert request_state(opened) == S.FINANCIAL_BURDEN
    assert 'data-state="financial_burden"' in body


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("identify_reason", {"reason": "99999"}, "Choose a reason from the list."),
        ("identify_reason", {"reason": "abc"}, "Enter a whole number"),
        ("identify_reason", {}, "Choose a reason from the list."),
        ("schedule_callback", {"callback_at": "2001-01-01T10:00"}, "must be in the future"),
        ("schedule_callback", {"callback_at": "not a date"}, "Enter a valid date/time"),
        ("present_offer", {"offer": "1"}, "not possible"),
        ("no_such_step", {}, "That step does not exist."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_changes_nothing(
    client_as_agent, opened, name, data, message
):
    response = _act(client_as_agent, opened, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert request_state(opened) == S.OPENED


def test_without_htmx_a_step_redirects_back_to_the_console(client_as_agent, opened, reason):
    response = _act(
        client_as_agent, opened, "identify_reason", {"reason": reason("fee_burden").pk}, False
    )
    assert response.status_code == 302
    assert response.url == reverse("console", args=[opened.pk])


def test_another_agents_request_is_forbidden(client, login, opened):
    stranger = UserFactory(username="agent-stranger", role="agent")
    login(stranger)
    assert client.get(reverse("console", args=[opened.pk])).status_code == 403
    assert _act(client, opened, "withdraw").status_code == 403
    assert request_state(opened) == S.OPENED


def test_an_unknown_request_is_404(client_as_agent):
    assert client_as_agent.get(reverse("console", args=[999999])).status_code == 404


def test_notes_save_as_you_type(client_as_agent, opened):
    response = client_as_agent.post(
        reverse("console_notes", args=[opened.pk]),
        {"notes": "Asked about the filter"},
        HTTP_HX_REQUEST="true",
    )
    assert "Saved." in response.content.decode()
    assert CancellationRequest.objects.get(pk=opened.pk).notes == "Asked about the filter"


def test_tagging_a_customer_type_shows_its_tips(client_as_agent, opened):
    from catalog.models import CustomerType

    loud = CustomerType.objects.get(code="loud_protester")
    body = _act(client_as_agent, opened, "tag_customer_type", {"customer_type": loud.pk})
    assert "Lower your voice" in body.content.decode()


def test_poll_is_silent_until_something_changes(client_as_agent, opened, agent):
    page = client_as_agent.get(reverse("console", args=[opened.pk])).content.decode()
    version = unquote(re.search(r"poll\?seen=([^\"]+)", page).group(1))
    url = reverse("console_poll", args=[opened.pk])
    assert client_as_agent.get(url, {"seen": version}, HTTP_HX_REQUEST="true").status_code == 204
    cancellation_withdraw(request_id=opened.pk, user=agent)
    response = client_as_agent.get(url, {"seen": version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#console"
    assert "moved on" in response.content.decode()


def test_the_console_updates_when_a_supervisor_approves(
    client_as_agent, agent, supervisor, walk, costly_offer
):
    request = walk("competitor")
    offer_present(request_id=request.pk, user=agent, offer_id=costly_offer.pk)
    body = client_as_agent.get(reverse("console", args=[request.pk])).content.decode()
    assert "Waiting for a supervisor" in body
    assert "Customer accepts" not in body
    offer_approve(request_id=request.pk, user=supervisor, note="OK for VIP")
    response = client_as_agent.get(
        reverse("console_poll", args=[request.pk]),
        {"seen": "awaiting_approval|insist_on_cancelling,withdraw"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "Approved by a supervisor" in body
    assert "Customer accepts" in body


@pytest.mark.parametrize(
    ("who", "expected"),
    [("agent", 200), ("supervisor", 200), ("catalog_admin", 403), (None, 302)],
)
def test_desk_pages_per_role(client, login, request, opened, who, expected):
    if who:
        login(request.getfixturevalue(who))
    urls = [
        reverse("search") + "?q=김",
        reverse("customer", args=[opened.customer_id]),
        reverse("console", args=[opened.pk]),
        reverse("console_poll", args=[opened.pk]) + "?seen=x",
    ]
    for url in urls:
        assert client.get(url).status_code == expected, url


def test_anonymous_posts_change_nothing(client, opened):
    response = _act(client, opened, "withdraw", htmx=False)
    assert response.status_code == 302
    assert request_state(opened) == S.OPENED


@pytest.mark.parametrize(
    ("who", "expected"),
    [("catalog_admin", 403), (None, 302)],
)
def test_posts_per_role_change_nothing_when_not_allowed(
    client, login, request, opened, who, expected
):
    if who:
        login(request.getfixturevalue(who))
    posts = [
        (reverse("console_act", args=[opened.pk, "withdraw"]), {"expected_state": "opened"}),
        (reverse("console_notes", args=[opened.pk]), {"notes": "sneaky"}),
        (reverse("cancel_start", args=[opened.contract_id]), {}),
        (reverse("approval_approve", args=[opened.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    opened.refresh_from_db()
    assert (opened.state, opened.notes) == (S.OPENED, "")


def test_offer_cards_say_what_the_offer_gives(client_as_agent, walk):
    from tests.factories import OfferFactory

    OfferFactory(
        kind="discount_percent", value=10, duration_months=6, reason_categories=["financial"]
    )
    request = walk("financial_burden")
    body = client_as_agent.get(reverse("console", args=[request.pk])).content.decode()
    assert "10% off for 6 months" in body
