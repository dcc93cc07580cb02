"""Steps several browser tests take the same way."""

from playwright.sync_api import expect


def pick_reason(page, typed: str, label: str) -> None:
    """Find the reason in the picker by typing, check the highlighted one is `label`, and
    pick it with Enter (which records it, except a competitor's: then the company is next)."""
    search = page.locator("#reason-search")
    search.fill(typed)
    expect(page.locator("[data-reason-picker] [role=option].active")).to_contain_text(label)
    search.press("Enter")
