"""The supervisor's queue updates by itself while it is open: no reload, no click.

Two browser contexts: a supervisor sits on /desk/approvals/ while an agent, in the console,
puts one customer on hold for an offer above the agent's authority and, in another call,
has a customer ask for a manager. Each entry must appear on the supervisor's page within a
few polls (htmx, every 2 s, each with the queue's update-check token: 204 from Redis while
nothing changed), on the same document (no navigation, a JS marker survives), keeping what
the supervisor was typing; the supervisor's approval then reaches the agent's console,
again by polling alone.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from tests.browser.helpers import log_in, open_cancellation_by_phone, pick_reason
from tests.factories import ContractFactory, CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# `book` (the customer with the competitor-match offer that needs a supervisor) and
# `agent_user` come from tests/browser/conftest.py.

# Both pages poll every 2 s: allow three polls for a change to show.
POLLED = 6_000


def _is_queue_poll(response, status):
    return (
        response.request.method == "GET"
        and "/desk/approvals/?seen=" in response.url
        and response.status == status
    )


def _still_the_same_document(page, url, navigations):
    assert navigations == [], f"the queue page navigated: {navigations}"
    assert page.url == url
    assert page.evaluate("window.__queueMarker") == 1, "the queue page was reloaded"


def test_the_queue_shows_new_escalations_without_a_reload(
    browser, live_server, book, agent_user, supervisor, artifacts_dir
):
    asker = CustomerFactory(name="한지민", phone="01066667777")
    ContractFactory(customer=asker, number="R66667777-1")
    agent_context, supervisor_context = browser.new_context(), browser.new_context()
    agent_page, queue = agent_context.new_page(), supervisor_context.new_page()
    try:
        log_in(agent_page, live_server, agent_user.username)
        log_in(queue, live_server, supervisor.username)
        queue.goto(f"{live_server.url}{reverse('approvals')}")
        expect(queue.get_by_role("heading", level=1)).to_have_text("Supervisor queue")
        expect(queue.locator("tr[data-manager-request]")).to_have_count(0)
        expect(queue.locator("tr[data-request]")).to_have_count(0)
        expect(queue.locator("#queue")).to_contain_text("Nothing is waiting for you.")

        # From here on the supervisor only watches: any reload or navigation would show.
        url = queue.url
        queue.evaluate("window.__queueMarker = 1")
        navigations = []
        queue.on(
            "framenavigated",
            lambda frame: navigations.append(frame.url) if frame == queue.main_frame else None,
        )
        polls = []
        queue.on(
            "response",
            lambda r: polls.append((r.url, r.status)) if _is_queue_poll(r, r.status) else None,
        )
        # The page really polls, and hears "nothing new" while nothing changed.
        with queue.expect_response(lambda r: _is_queue_poll(r, 204), timeout=POLLED):
            pass

        # 1. The agent's call: an offer above the agent's authority puts the customer on
        # hold for a supervisor.
        open_cancellation_by_phone(agent_page, "010-5555-1234")
        pick_reason(agent_page, "cheaper", "A competitor is cheaper")
        agent_page.get_by_label("Which company").fill("Rival Rentals")
        agent_page.get_by_role("button", name="Record the reason").click()
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Competitor")
        match = agent_page.locator(".offer").filter(has_text="Match the competitor")
        expect(match).to_contain_text("Needs approval")
        match.get_by_role("button").click()
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Awaiting approval")
        on_hold = CancellationRequest.objects.get(contract=book)
        assert on_hold.state == RequestState.AWAITING_APPROVAL
        agent_navigations = []
        agent_page.on("framenavigated", lambda frame: agent_navigations.append(frame.url))

        approval_row = queue.locator(f"tr[data-request='{on_hold.pk}']")
        expect(approval_row).to_contain_text("박서준", timeout=POLLED)
        expect(approval_row).to_contain_text("Match the competitor's benefit")
        expect(approval_row).to_contain_text(book.number)
        expect(queue.locator("tr[data-manager-request]")).to_have_count(0)
        _still_the_same_document(queue, url, navigations)

        # The supervisor starts a note; the polls that find nothing new leave it alone.
        note = approval_row.get_by_placeholder("Note (needed to deny)")
        note.fill("Keep this one")
        with queue.expect_response(lambda r: _is_queue_poll(r, 204), timeout=POLLED):
            pass

        # 2. Meanwhile, in another call (a second tab of the agent's), a customer asks for
        # a manager: the queue redraws itself with the new entry and keeps the note typed.
        asking_page = agent_context.new_page()
        asking_page.goto(f"{live_server.url}/desk/lookup?phone=010-6666-7777")
        asking_page.get_by_role("button", name="Start cancellation").click()
        expect(asking_page.get_by_role("heading", level=1)).to_have_text("Identifying the reason")
        asking_page.get_by_role("button", name="Customer asks for a manager").click()
        expect(asking_page.locator("#console")).to_contain_text("A manager has been asked for")
        asking = CancellationRequest.objects.get(customer=asker)
        assert asking.manager_requested_at is not None

        manager_row = queue.locator(f"tr[data-manager-request='{asking.pk}']")
        expect(manager_row).to_contain_text(f"Cancellation request #{asking.pk}", timeout=POLLED)
        expect(manager_row).to_contain_text("한지민")
        expect(queue.locator("#queue")).not_to_contain_text("Nothing is waiting for you.")
        expect(approval_row).to_contain_text("박서준")  # the earlier entry is still there
        expect(note).to_have_value("Keep this one")
        _still_the_same_document(queue, url, navigations)
        # Every poll sends the queue's update-check token (answered 204 from Redis while
        # nothing changed); the new entries' versions made polls bring the new queue.
        assert polls and all("check=" in poll for poll, _ in polls), polls
        assert {204, 200} <= {status for _, status in polls}, polls
        queue.screenshot(path=str(artifacts_dir / "queue-live.png"), full_page=True)

        # 3. The supervisor approves in the page; the agent's console moves on by itself.
        approval_row.get_by_role("button", name="Approve").click()
        expect(queue.locator("tr[data-request]")).to_have_count(0)
        expect(manager_row).to_contain_text("한지민")
        _still_the_same_document(queue, url, navigations)

        expect(agent_page.locator(".approved")).to_contain_text(
            "Approved by a supervisor: Keep this one", timeout=POLLED
        )
        expect(agent_page.get_by_role("heading", level=1)).to_have_text("Offer presented")
        expect(agent_page.get_by_role("button", name="Customer accepts")).to_be_visible()
        assert agent_navigations == [], "the agent's console must update without a reload"
        on_hold.refresh_from_db()
        assert on_hold.state == RequestState.OFFER_PRESENTED
        assert on_hold.current_presentation.approval_note == "Keep this one"
    finally:
        agent_context.close()
        supervisor_context.close()
