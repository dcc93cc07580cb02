"""Live calls in real Chromium: find the customer, walk the tree, reach an outcome."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from customers.models import Contract
from tests.browser.helpers import PASSWORD, log_in, open_cancellation_by_phone, pick_reason
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _state() -> str:
    return CancellationRequest.objects.get().state


def test_financial_burden_fee_adjustment_retains_the_customer(
    page, live_server, book, agent_user, artifacts_dir
):
    log_in(page, live_server, agent_user.username)
    open_cancellation_by_phone(page, "010-5555-1234")

    pick_reason(page, "monthly fee", "The monthly fee is a burden")
    expect(page.get_by_role("heading", level=1)).to_have_text("Financial burden")
    offer = page.locator(".offer").first
    expect(offer).to_contain_text("KRW 3,000 off the monthly fee")
    expect(offer).to_contain_text("KRW 27,000")

    page.locator("body").press("1")  # pick the first offer by keyboard, Enter presents it
    expect(page.locator("[data-offer-key='1']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer presented")
    page.get_by_role("button", name="Customer accepts").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Retained")
    expect(page.locator(".rail-current")).to_contain_text("Retained")
    page.screenshot(path=str(artifacts_dir / "console-retained.png"), full_page=True)
    assert _state() == RequestState.RETAINED
    assert Contract.objects.get(pk=book.pk).monthly_fee == 27000


def test_dissatisfied_decline_insist_quote_confirm_cancels(
    page, live_server, book, agent_user, artifacts_dir
):
    log_in(page, live_server, agent_user.username)
    open_cancellation_by_phone(page, "01055551234")

    page.get_by_label("In the customer's words").fill("The water tastes of plastic")
    pick_reason(page, "quality", "Product quality or performance")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dissatisfied")
    page.locator(".offer").filter(has_text="Free visit").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer presented")
    page.get_by_role("button", name="Customer declines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dissatisfied")

    notes = page.get_by_role("textbox", name="Notes")
    notes.fill("Customer firm: moving to bottled water")
    expect(page.locator("#notes-status")).to_have_text("Saved.")

    page.get_by_role("button", name="Customer insists on cancelling").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancelling")
    quote = page.locator(".quote")
    expect(quote).to_contain_text("Penalty on the remaining fees")
    expect(quote).to_contain_text("Total due")
    pickup = (timezone.localdate() + timedelta(days=3)).isoformat()
    page.get_by_label("Pickup date").fill(pickup)
    page.get_by_role("button", name="Confirm the cancellation").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Cancelled")
    expect(page.locator(".quote")).to_contain_text("Total due")
    page.screenshot(path=str(artifacts_dir / "console-cancelled.png"), full_page=True)
    request = CancellationRequest.objects.get()
    assert request.state == RequestState.CANCELLED
    assert request.notes == "Customer firm: moving to bottled water"
    assert Contract.objects.get(pk=book.pk).status == "cancelled"


def test_supervisor_approval_reaches_the_agent_without_a_reload(
    browser, live_server, book, agent_user, artifacts_dir
):
    UserFactory(username="live-supervisor", role=Role.SUPERVISOR, language="en")
    agent_context, supervisor_context = browser.new_context(), browser.new_context()
    agent_page, supervisor_page = agent_context.new_page(), supervisor_context.new_page()
    try:
        log_in(agent_page, live_server, agent_user.username)
        open_cancellation_by_phone(agent_page, "010 5555 1234")
        pick_reason(agent_page, "cheaper", "A competitor is cheaper")
        expect(agent_page.get_by_label("Which company")).to_be_focused()
        agent_page.get_by_label("Which company").fill("Rival Rentals")
        agent_page.get_by_label("What they offered").fill("Three months free")
        agent_page.get_by_role("button", name="Record the reason").click()
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Competitor")
        match = agent_page.locator(".offer").filter(has_text="Match the competitor")
        expect(match).to_contain_text("Needs approval")
        match.get_by_role("button").click()
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Awaiting approval")
        expect(agent_page.locator(".waiting")).to_contain_text("Waiting for a supervisor")
        navigations, polls, decisions = [], [], []
        agent_page.on("framenavigated", lambda frame: navigations.append(frame.url))
        agent_page.on(
            "requestfinished",
            lambda asked: (
                polls.append((asked.url, asked.response().status, asked.timing["startTime"]))
                if "/poll?" in asked.url
                else None
            ),
        )
        supervisor_page.on(
            "requestfinished",
            lambda asked: (
                decisions.append(asked.timing["startTime"] + asked.timing["responseEnd"])
                if asked.method == "POST" and "/approve" in asked.url
                else None
            ),
        )

        log_in(supervisor_page, live_server, "live-supervisor")
        supervisor_page.goto(f"{live_server.url}/desk/approvals/")
        row = supervisor_page.locator("tr[data-request]")
        expect(row).to_contain_text("박서준")
        expect(row).to_contain_text("Match the competitor")
        row.get_by_placeholder(re.compile("Note")).fill("Keep this one")
        row.get_by_role("button", name="Approve").click()
        expect(supervisor_page.locator("tr[data-request]")).to_have_count(0)

        expect(agent_page.locator(".approved")).to_contain_text(
            "Approved by a supervisor", timeout=5000
        )
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Offer presented")
        assert navigations == [], "the agent's page must update without a reload"
        # The browser sends the console's update-check token, and the approval's new
        # version made the poll bring the new console.
        assert polls and all("check=" in url for url, _, _ in polls), polls
        assert 200 in {status for _, status, _ in polls}, polls
        # The poll that brought it started within the poll's interval after the approval
        # was answered (1 s; 0.1 s more for the timer on a busy machine), and no poll in
        # between missed it: the agent sees a supervisor's decision within a second.
        (approved,) = decisions
        brought = min(started for _, status, started in polls if status == 200)
        assert brought - approved <= 1100, (brought - approved, polls)
        assert not [p for p in polls if approved < p[2] < brought], (approved, polls)
        agent_page.screenshot(path=str(artifacts_dir / "console-approved.png"), full_page=True)
        agent_page.get_by_role("button", name="Customer accepts").click()
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Retained")
        assert _state() == RequestState.RETAINED
    finally:
        agent_context.close()
        supervisor_context.close()


def test_korean_agent_sees_the_console_in_korean_with_won_amounts(
    page, live_server, book, artifacts_dir
):
    UserFactory(username="korean-agent", role=Role.AGENT, language="ko")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("korean-agent")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/desk/lookup?phone=010-5555-1234")
    page.get_by_role("button", name="해약 상담 시작").click()
    pick_reason(page, "ㅇㄹㅌㄹ", "월 렌탈료 부담")  # the initials of 월 렌탈료
    expect(page.get_by_role("heading", level=1)).to_have_text("금전적 부담")
    expect(page.locator(".offer").first).to_contain_text("27,000원")
    expect(page.get_by_role("button", name="고객이 해약을 원함")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "console-ko.png"), full_page=True)
