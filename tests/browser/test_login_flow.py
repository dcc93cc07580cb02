import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from tests.factories import ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agent_logs_in_switches_to_korean_and_logs_out(page, live_server, artifacts_dir):
    UserFactory(username="browser-agent", role=Role.AGENT, language="en")
    ContractFactory.create_batch(3)
    page.set_viewport_size({"width": 1366, "height": 768})

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.locator("#id_username").fill("browser-agent")
    page.locator("#id_password").fill("correct-horse-battery")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(page.locator(".summary")).to_contain_text("Active contracts")
    expect(page.locator(".summary .figure").nth(1)).to_have_text("3")

    page.get_by_label("Language").select_option("ko")
    expect(page.locator(".summary")).to_contain_text("활성 계약")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.screenshot(path=str(artifacts_dir / "home-ko.png"))

    page.get_by_role("button", name="로그아웃").click()
    expect(page.locator("#id_username")).to_be_visible()


def test_wrong_password_shows_an_error_in_the_page(page, live_server):
    UserFactory(username="browser-agent2", role=Role.AGENT)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("browser-agent2")
    page.locator("#id_password").fill("nope")
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("browser-agent2")
