"""The dashboards in real Chromium, with their charts drawn from the demo history."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from demo.book import demo_seed
from demo.history.seed import history_seed
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS = [
    "Save rate",
    "Save quality",
    "Why they leave",
    "Win-back",
    "Claims",
    "Satisfaction",
    "Coaching",
]


def test_dashboard_draws_its_charts_from_demo_data(page, live_server, artifacts_dir):
    today = timezone.localdate()
    demo_seed(customers=120, today=today)
    seeded = history_seed(requests=300, claims=80, today=today)
    assert seeded.requests >= 300 and seeded.facts["requests"] == seeded.requests
    assert seeded.surveys > 0
    supervisor = UserFactory(username="dash-supervisor", role=Role.SUPERVISOR, language="en")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(supervisor.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/desk/dashboards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboards")
    expect(page.locator(".summary")).to_contain_text("%")
    for name in TABS:
        page.get_by_role("navigation", name="Dashboards").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=2)).to_have_text(name)
        # The heading shows before the scripts at the end of the page have run.
        page.wait_for_load_state("load")
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('canvas')].map(c => !!Chart.getChart(c))"
        )
        assert drawn and all(drawn), name
        assert page.locator("tbody tr").count() > 1
        if name == "Satisfaction":  # the demo history's surveys: scores and what they wrote
            comments = page.locator("section[aria-labelledby=t-comments] tbody tr")
            expect(comments.first.locator("td")).to_have_count(4)
            expect(comments.first.locator("td").nth(3)).not_to_be_empty()
            expect(page.locator("section[aria-labelledby=t-satisfaction]")).to_contain_text(
                "After a save"
            )
        # A picture to look at, not a table to read: each tab in about two screens.
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 2 * 768 + 250, (name, height)
        slug = name.lower().replace(" ", "-")
        page.screenshot(path=str(artifacts_dir / f"dashboard-{slug}.png"), full_page=True)
