"""A claim walked from received to closed in real Chromium, with an escalation to a
supervisor and back in between: the escalation reaches the supervisor's open queue by
polling alone, and the instruction reaches the agent's console the same way."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from calls.models import CallTask
from claims.models import Claim
from tests.factories import ContractFactory, CustomerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def _login(page, live_server, username):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def _seconds(clock: str) -> int:
    """ "2:05" or "1:02:05" → seconds."""
    seconds = 0
    for part in clock.strip().split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def _heading(page):
    return page.get_by_role("heading", level=1)


def test_claim_from_received_to_closed_with_an_escalation(browser, live_server, artifacts_dir):
    UserFactory(username="claim-agent", role=Role.AGENT, language="en")
    UserFactory(username="claim-supervisor", role=Role.SUPERVISOR, language="en")
    customer = CustomerFactory(name="최유진", phone="01044443333")
    ContractFactory(customer=customer, number="R44443333-1")
    agent_context, supervisor_context = browser.new_context(), browser.new_context()
    agent, supervisor = agent_context.new_page(), supervisor_context.new_page()
    try:
        _login(agent, live_server, "claim-agent")
        agent.goto(f"{live_server.url}/desk/lookup?phone=010-4444-3333")
        agent.get_by_label("New claim").fill("Bidet seat cracked after the care visit")
        agent.get_by_label("Contract", exact=True).select_option(index=1)
        agent.get_by_role("button", name="Open a claim").click()
        expect(_heading(agent)).to_have_text("Received")

        agent.get_by_role("button", name="I have apologised").click()
        expect(_heading(agent)).to_have_text("Apologised")
        agent.get_by_label("The customer's account, in their words").fill(
            "The technician pressed on the lid and it cracked"
        )
        agent.get_by_role("button", name="Record the account").click()
        expect(_heading(agent)).to_have_text("Listened")
        agent.get_by_label("Root cause").select_option(label="Technician conduct")
        agent.get_by_label("What caused it").fill("Lid forced during the visit")
        agent.get_by_role("button", name="Record the cause").click()
        expect(_heading(agent)).to_have_text("Cause identified")
        # The supervisor already has the queue open: the escalation must arrive by polling.
        _login(supervisor, live_server, "claim-supervisor")
        supervisor.goto(f"{live_server.url}/desk/approvals/")
        expect(supervisor.locator("tr[data-claim]")).to_have_count(0)
        supervisor.evaluate("window.__queueMarker = 1")

        agent.get_by_label("Why it cannot be solved on the spot").fill(
            "A replacement seat needs a manager's approval"
        )
        agent.get_by_role("button", name="Escalate to a supervisor").click()
        expect(_heading(agent)).to_have_text("Escalated to a supervisor")

        row = supervisor.locator("tr[data-claim]")
        expect(row).to_contain_text("A replacement seat needs a manager's approval", timeout=6000)
        expect(row).to_contain_text("Escalated claim")
        assert supervisor.evaluate("window.__queueMarker") == 1, "the queue was reloaded"
        # The time waited counts on in the page between polls.
        waited = row.locator("[data-waited]")
        first = _seconds(waited.inner_text())
        supervisor.wait_for_timeout(3_500)
        assert _seconds(waited.inner_text()) >= first + 2
        row.get_by_placeholder("Instruction for the agent").fill("Replace the seat free today")
        row.get_by_role("button", name="Send").click()
        expect(supervisor.locator("tr[data-claim]")).to_have_count(0)
        supervisor.screenshot(path=str(artifacts_dir / "claim-queue.png"), full_page=True)

        # The agent's console moves on by itself (polling), no reload needed.
        expect(_heading(agent)).to_have_text("Countermeasure planned", timeout=5000)
        expect(agent.locator(".claim-record")).to_contain_text("Replace the seat free today")
        agent.get_by_label("Agreed").check()
        agent.get_by_role("button", name="Record the response").click()
        expect(_heading(agent)).to_have_text("Solution presented")
        agent.get_by_label("What was done").fill("New seat fitted by a senior technician")
        agent.get_by_role("button", name="Record what was done").click()
        expect(_heading(agent)).to_have_text("Executed")
        agent.get_by_label("Product recovery").select_option(label="Product recovered")
        agent.get_by_label("I thanked the customer").check()
        agent.get_by_role("button", name="Close the claim").click()
        expect(_heading(agent)).to_have_text("Closed")
        agent.screenshot(path=str(artifacts_dir / "claim-closed.png"), full_page=True)

        claim = Claim.objects.get()
        assert claim.state == "closed"
        assert claim.instructed_by.username == "claim-supervisor"
        assert CallTask.objects.filter(claim=claim, kind="after_service").exists()
    finally:
        agent_context.close()
        supervisor_context.close()
