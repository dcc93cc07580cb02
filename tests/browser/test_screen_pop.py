"""The screen pop in a real browser: the telephone system says an agent answered a call,
and within two seconds the caller is on the agent's screen, one key from their page."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect
from rest_framework.test import APIClient

from accounts.roles import Role
from api.services.keys import api_key_create
from tests.factories import CustomerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_answered_call_shows_the_caller_within_two_seconds(page, live_server):
    cache.clear()
    agent = UserFactory(
        username="pop-agent", role=Role.AGENT, language="en", phone_extension="2041"
    )
    customer = CustomerFactory(name="김지은", phone="01055550000")
    admin = UserFactory(username="pop-admin", role=Role.CATALOG_ADMIN)
    secret = api_key_create(user=admin, name="PBX", scopes=["telephony:write"]).plaintext
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(agent.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/desk/")
    expect(page.locator("#phone-pop")).to_be_empty()

    telephony = APIClient()
    telephony.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answered = telephony.post(
        "/api/v1/telephony/events",
        {"event": "answered", "call_id": "pbx-pop-1", "number": "010-5555-0000", "agent": "2041"},
        format="json",
    )
    assert answered.status_code == 200

    expect(page.locator("#phone-pop .phone-pop-name")).to_have_text("김지은", timeout=2000)
    expect(page.locator("#phone-pop-open")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/desk/customers/{customer.pk}/")
