"""Real Chromium through Playwright, against pytest-django's live server.

Debian's /usr/bin/chromium is used when present, else Playwright's own browser. Without
either the browser tests skip with a clear message, except under CI=true, where a missing
browser fails the run. `book` and `agent_user` are the customer with three offers and the
agent on the call, shared by the console, catalog and queue tests.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from catalog.choices import OfferKind, ReasonCategory
from core.dates import add_months
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    OfferFactory,
    ProductFactory,
    UserFactory,
)

SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).exists() else None


def _chromium() -> str | None:
    if Path(SYSTEM_CHROMIUM).exists():
        return SYSTEM_CHROMIUM
    return shutil.which("chromium") or _playwright_chromium()


@pytest.fixture(scope="session")
def chromium_path():
    path = _chromium()
    if path is None:
        message = (
            "No Chromium found: install Debian's chromium (/usr/bin/chromium) "
            "or run `playwright install chromium`."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " CI=true, so a missing browser is a failure.")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {**browser_type_launch_args, "executable_path": chromium_path, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def no_csp_violations(browser, monkeypatch):
    """Every page a browser test opens is watched: a Content-Security-Policy violation in
    the console (an inline script or style the policy blocked) fails the test."""
    violations: list[str] = []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    new_context, new_page = browser.new_context, browser.new_page

    def watched_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("page", watch)
        return context

    monkeypatch.setattr(browser, "new_context", watched_context)
    monkeypatch.setattr(browser, "new_page", lambda *a, **k: watch(new_page(*a, **k)))
    yield violations
    assert not violations, violations


@pytest.fixture
def book():
    """One customer with a 30,000-won contract 20 months in, and three offers."""
    product = ProductFactory(
        monthly_fee=30000, fee_floor=20000, fee_adjustment_min_tenure_months=12
    )
    customer = CustomerFactory(name="박서준", phone="01055551234")
    contract = ContractFactory(
        customer=customer,
        product=product,
        number="R55551234-1",
        start_date=add_months(timezone.localdate(), -20),
        term_months=60,
        monthly_fee=30000,
    )
    OfferFactory(
        code="FEE-3000",
        name_en="KRW 3,000 off the monthly fee",
        kind=OfferKind.FEE_ADJUSTMENT,
        value=3000,
        fixed_cost=0,
        reason_categories=[ReasonCategory.FINANCIAL],
    )
    OfferFactory(
        code="VISIT",
        name_en="Free visit by a senior technician",
        kind=OfferKind.SERVICE_IMPROVEMENT,
        value=30000,
        fixed_cost=20000,
        reason_categories=[ReasonCategory.DISSATISFACTION],
    )
    OfferFactory(
        code="MATCH",
        name_en="Match the competitor's benefit",
        kind=OfferKind.COMPETITOR_MATCH,
        value=100000,
        fixed_cost=80000,
        agent_limit=50000,
        reason_categories=[ReasonCategory.COMPETITOR],
    )
    return contract


@pytest.fixture
def agent_user():
    return UserFactory(username="live-agent", role=Role.AGENT, language="en")
