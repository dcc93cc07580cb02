"""The save-rate dashboard in real Chromium, with its charts drawn from demo data."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from retention.demo import demo_seed
from retention.models import Contract, Reason
from retention.services import cancellations as svc
from tests.factories import OfferFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_draws_its_charts_from_demo_data(page, live_server, artifacts_dir):
    demo_seed(customers=60, today=timezone.localdate())
    supervisor = UserFactory(username="dash-supervisor", role=Role.SUPERVISOR, language="en")
    agent = UserFactory(username="dash-agent", role=Role.AGENT)
    reasons = list(Reason.objects.exclude(category="unavoidable")[:4])
    visit = OfferFactory(
        code="DASH-VISIT",
        kind="service_improvement",
        reason_categories=[r.category for r in reasons],
        agent_limit=None,
    )
    for index, contract in enumerate(Contract.objects.filter(status="active")[:12]):
        request = svc.cancellation_open(contract_id=contract.pk, user=agent)
        svc.cancellation_identify_reason(
            request_id=request.pk,
            user=agent,
            reason_id=reasons[index % len(reasons)].pk,
            competitor_name="Rival",
        )
        if index % 3:
            svc.cancellation_insist(request_id=request.pk, user=agent)
            svc.cancellation_confirm(
                request_id=request.pk, user=agent, pickup_date=timezone.localdate()
            )
        else:
            svc.offer_present(request_id=request.pk, user=agent, offer_id=visit.pk)
            svc.offer_accept(request_id=request.pk, user=agent, new_address="")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(supervisor.username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form button[type=submit]").click()
    page.goto(f"{live_server.url}/desk/dashboards/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboards")
    expect(page.get_by_role("heading", name="Why they leave")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("33%")
    drawn = page.evaluate("() => ['chart-weeks', 'chart-reasons'].map(id => !!Chart.getChart(id))")
    assert drawn == [True, True]
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)
