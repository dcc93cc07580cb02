"""Real Chromium through Playwright, against pytest-django's live server.

Debian's /usr/bin/chromium is used when present, else Playwright's own browser. Without
either the browser tests skip with a clear message, except under CI=true, where a missing
browser fails the run.
"""

import os
import shutil
from pathlib import Path

import pytest

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
