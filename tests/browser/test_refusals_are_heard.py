"""A request the server refuses is never silent on screen: the console's htmx requests that
come back 400 (the input guard) show the server's reason in the alert region."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from cancellations.models import CancellationRequest
from cancellations.services.opening import cancellation_open
from tests.factories import ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_htmx_request_shows_why_in_the_alert_region(page, live_server):
    agent = UserFactory(username="heard-agent", role=Role.AGENT, language="en")
    request = cancellation_open(contract_id=ContractFactory().pk, user=agent)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(agent.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/desk/requests/{request.pk}/")

    page.evaluate(
        "url => htmx.ajax('POST', url, {values: {notes: 'a\\u0000b'}, swap: 'none'})",
        f"/desk/requests/{request.pk}/notes",
    )

    expect(page.locator("#flash")).to_contain_text("control characters")
    assert CancellationRequest.objects.get().notes == ""
