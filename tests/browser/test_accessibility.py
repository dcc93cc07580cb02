"""axe-core on every screen of the desk, in both languages: no serious or critical
violation. The screens are shown as each role meets them, with the demo's data on them."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from calls.models import CallTask
from cancellations.models import CancellationRequest
from catalog.models import Offer
from claims.models import Claim
from reporting.views import TABS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-desk-2026"
SERIOUS = {"serious", "critical"}
# Below serious, what the desk still keeps clear of (a regression here is a real one).
ALSO = {"page-has-heading-one", "empty-table-header"}


def _login(page, base, username, language):
    User.objects.filter(username=username).update(language=language)
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}/")


def _screens():
    request = CancellationRequest.objects.filter(agent__username="agent").order_by("-pk").first()
    held = CancellationRequest.objects.get(state="awaiting_approval")
    claim = Claim.objects.filter(agent__username="agent", closed_at__isnull=True).first()
    call = CallTask.objects.filter(assignee__username="agent", kind="save_follow_up").first()
    offer = Offer.objects.order_by("pk").first()
    return {
        "agent": [
            reverse("home"),
            reverse("search") + "?q=010",
            reverse("customer", args=[request.customer_id]),
            reverse("console", args=[request.pk]),
            reverse("claim_list"),
            reverse("claim_console", args=[claim.pk]),
            reverse("my_calls"),
            reverse("call", args=[call.pk]),
        ],
        "supervisor": [
            reverse("approvals"),
            reverse("floor"),
            reverse("console", args=[held.pk]),
            *(f"{reverse('dashboards')}?tab={tab}" for tab in TABS),
        ],
        "catalog_admin": [
            reverse("catalog"),
            reverse("catalog_edit", args=["offers", offer.pk]),
            reverse("catalog_history", args=["offers", offer.pk]),
            reverse("catalog_list", args=["reasons"]),
            reverse("catalog_list", args=["products"]),
            reverse("catalog_offers_import"),
        ],
    }


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_serious_accessibility_violation_on_any_screen(
    browser, live_server, language, artifacts_dir
):
    call_command("seed_demo", customers="40", stdout=open("/dev/null", "w"))  # noqa: SIM115
    axe = Axe()
    found = []
    for username, paths in _screens().items():
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        _login(page, live_server.url, username, language)
        for path in [*paths, "/no-such-page/"]:
            page.goto(live_server.url + path)
            page.wait_for_load_state("load")
            result = axe.run(page)
            for violation in result.response["violations"]:
                if violation["impact"] in SERIOUS or violation["id"] in ALSO:
                    nodes = [n["target"] for n in violation["nodes"][:3]]
                    found.append((username, path, violation["id"], violation["help"], nodes))
        context.close()
    # the login page, before anyone signs in
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    result = axe.run(page)
    found += [("-", "/accounts/login/", v["id"], v["help"], []) for v in
              result.response["violations"] if v["impact"] in SERIOUS]  # fmt: skip
    assert not found, "\n".join(map(str, found))
