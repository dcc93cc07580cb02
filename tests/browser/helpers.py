"""Steps several browser tests take the same way."""

from playwright.sync_api import expect


def pick_reason(page, typed: str, label: str) -> None:
    """Find the reason in the picker by typing, check the highlighted one is `label`, and
    pick it with Enter (which records it, except a competitor's: then the company is next)."""
    search = page.locator("#reason-search")
    search.fill(typed)
    expect(page.locator("[data-reason-picker] [role=option].active")).to_contain_text(label)
    search.press("Enter")


PASSWORD = "correct-horse-battery"


def log_in(page, live_server, username):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def open_cancellation_by_phone(page, phone):
    page.keyboard.press("/")
    expect(page.locator("[data-search]")).to_be_focused()
    page.keyboard.type(phone)
    page.get_by_role("link", name="박서준").click()
    page.get_by_role("button", name="Start cancellation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Identifying the reason")
