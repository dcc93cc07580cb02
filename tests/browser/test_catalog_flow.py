"""The catalog admin's workspace in real Chromium: an offer written, previewed, published,
and an agent on a matching call sees it ranked."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from catalog.models import CatalogVersion, Offer, Reason
from tests.browser.helpers import log_in, open_cancellation_by_phone, pick_reason
from tests.factories import CancellationRequestFactory, ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_publishes_a_financial_burden_offer_and_the_agent_sees_it_ranked(
    browser, live_server, book, agent_user, artifacts_dir
):
    admin = UserFactory(username="catalog-admin", role=Role.CATALOG_ADMIN, language="en")
    # An earlier call on another contract like it: the preview ranks the draft against it.
    earlier = ContractFactory(
        product=book.product, start_date=book.start_date, term_months=60, monthly_fee=30000
    )
    CancellationRequestFactory(
        contract=earlier, reason=Reason.objects.get(code="fee_burden"), agent=agent_user
    )
    page = browser.new_page()
    log_in(page, live_server, admin.username)
    page.get_by_role("link", name="Catalog").click()
    page.get_by_role("button", name="Add").click()

    page.get_by_label("Code").fill("FIN-FREE-1")
    page.get_by_label("Name (Korean)").fill("한 달 무료")
    page.get_by_label("Name (English)").fill("One month free")
    page.get_by_label("Agent script (Korean)").fill(
        "부담을 덜어 드리도록 한 달 요금을 받지 않겠습니다."
    )
    page.get_by_label("Agent script (English)").fill("To ease the burden, next month is on us.")
    page.get_by_label("Type").select_option(label="Free months")
    page.get_by_label("Value", exact=True).fill("1")
    page.get_by_role("checkbox", name="Financial burden", exact=True).check()
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#preview")
    expect(preview).to_contain_text("Eligible today for 2 active contracts")
    expect(page.locator("#preview-rank")).to_contain_text("It would be offer 1 of 2")
    assert not Offer.objects.filter(code="FIN-FREE-1").exists()  # a preview saves nothing
    page.screenshot(path=str(artifacts_dir / "catalog-preview.png"), full_page=True)

    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".item-status")).to_contain_text("Draft")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Published")
    offer = Offer.objects.get(code="FIN-FREE-1")
    assert not offer.is_draft
    versions = CatalogVersion.objects.filter(subject_id=offer.pk).order_by("version")
    assert [v.action for v in versions] == ["created", "published"]
    assert versions[0].user == admin
    page.close()

    agent_page = browser.new_page()
    log_in(agent_page, live_server, agent_user.username)
    open_cancellation_by_phone(agent_page, "010-5555-1234")
    pick_reason(agent_page, "burden", "The monthly fee is a burden")
    expect(agent_page.get_by_role("heading", level=1)).to_have_text("Financial burden")
    offers = agent_page.locator(".offer")
    expect(offers.first).to_contain_text("One month free")  # costs 30,000: ranked first
    expect(offers.nth(1)).to_contain_text("KRW 3,000 off the monthly fee")
    agent_page.screenshot(path=str(artifacts_dir / "catalog-offer-ranked.png"), full_page=True)
    agent_page.close()
