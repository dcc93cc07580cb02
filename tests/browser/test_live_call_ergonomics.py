"""What an agent on a live call meets, at 1366x768 in real Chromium: a save by keyboard
alone within a budget of keys, four offers above the fold, any reason in three keystrokes,
a supervisor's decision on the agent's screen within seconds, a call taken early."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from calls.choices import CallTaskKind
from calls.models import CallTask
from calls.services.planning import call_task_request
from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from catalog.choices import OfferKind, ReasonCategory
from claims.models import Compensation
from claims.services.compensation import compensation_decide
from claims.services.opening import claim_open
from core.dates import add_months
from core.models import AuditEntry
from tests.factories import (
    ContractFactory,
    CustomerFactory,
    OfferFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"
KEY_BUDGET = 15


@pytest.fixture
def contract():
    product = ProductFactory(
        monthly_fee=30000, fee_floor=20000, fee_adjustment_min_tenure_months=12
    )
    return ContractFactory(
        customer=CustomerFactory(name="윤하늘", phone="01077771234"),
        product=product,
        start_date=add_months(timezone.localdate(), -20),
        monthly_fee=30000,
    )


@pytest.fixture
def financial_offers():
    """Five offers for the financial branch, each with a long script and figures."""
    kinds = [
        (OfferKind.FEE_ADJUSTMENT, 3000, 0),
        (OfferKind.FREE_MONTHS, 1, 0),
        (OfferKind.SERVICE_IMPROVEMENT, 30000, 20000),
        (OfferKind.GIFT, 50000, 40000),
        (OfferKind.SERVICE_IMPROVEMENT, 20000, 10000),
    ]
    for n, (kind, value, cost) in enumerate(kinds, start=1):
        OfferFactory(
            code=f"FIN-{n}",
            name_en=f"Financial offer number {n}",
            kind=kind,
            value=value,
            fixed_cost=cost,
            reason_categories=[ReasonCategory.FINANCIAL],
            script_en="We can make this easier for you for the rest of the term. " * 3,
        )


def _login(page, live_server, username):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


class Keys:
    """The keyboard, counting every key the agent presses."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str) -> None:
        self.count += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.count += len(text)
        self.page.keyboard.type(text)


def test_a_financial_burden_save_by_keyboard_alone_takes_at_most_15_keys(
    page, live_server, contract, financial_offers, artifacts_dir
):
    UserFactory(username="keys-agent", role=Role.AGENT, language="en")
    _login(page, live_server, "keys-agent")
    page.goto(f"{live_server.url}/desk/customers/{contract.customer_id}/")
    keys = Keys(page)

    expect(page.get_by_role("button", name="Start cancellation")).to_be_focused()
    keys.press("Enter")
    expect(page.locator("#reason-search")).to_be_focused()
    keys.type("fee")
    expect(page.locator("[role=option].active")).to_contain_text("The monthly fee is a burden")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Financial burden")
    expect(page.locator("[data-offer-key='1']")).to_be_focused()
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer presented")
    expect(page.get_by_role("button", name="Customer accepts")).to_be_focused()
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Retained")
    expect(page.locator("#announce")).to_contain_text("Retained")

    page.screenshot(path=str(artifacts_dir / "keyboard-save.png"))
    assert CancellationRequest.objects.get().state == RequestState.RETAINED
    assert keys.count <= KEY_BUDGET, keys.count


def test_four_offers_and_the_script_fit_above_the_fold(
    page, live_server, contract, financial_offers, artifacts_dir
):
    agent = UserFactory(username="fold-agent", role=Role.AGENT, language="en")
    from cancellations.services.opening import cancellation_identify_reason, cancellation_open
    from catalog.models import Reason

    request = cancellation_open(contract_id=contract.pk, user=agent)
    cancellation_identify_reason(
        request_id=request.pk, user=agent, reason_id=Reason.objects.get(code="fee_burden").pk
    )
    _login(page, live_server, "fold-agent")
    page.goto(f"{live_server.url}/desk/requests/{request.pk}/")

    rows = page.locator(".offer-table tbody tr")
    expect(rows).to_have_count(5)
    for element in [page.locator(".script"), *(rows.nth(n) for n in range(4))]:
        box = element.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 768, box
    for n in range(4):
        row = rows.nth(n)
        expect(row).to_contain_text(f"Financial offer number {n + 1}".split()[0])
        expect(row.get_by_role("button", name="Present")).to_be_in_viewport(ratio=1)
        expect(row.locator("td.amount").first).not_to_be_empty()  # net value
        expect(row.locator("td.amount").nth(1)).not_to_be_empty()  # saved before
    page.screenshot(path=str(artifacts_dir / "offers-above-the-fold.png"))


def test_every_reason_is_three_keystrokes_away(page, live_server, contract):
    agent = UserFactory(username="picker-agent", role=Role.AGENT, language="ko")
    from cancellations.services.opening import cancellation_open

    request = cancellation_open(contract_id=contract.pk, user=agent)
    _login(page, live_server, "picker-agent")
    page.goto(f"{live_server.url}/desk/requests/{request.pk}/")
    search = page.locator("#reason-search")
    expect(search).to_be_focused()
    options = page.locator("[data-reason-picker] [role=option]")
    reasons = options.evaluate_all("els => els.map(o => [o.dataset.key, o.dataset.value])")
    assert len({value for _key, value in reasons}) >= 15
    for key, value in reasons:
        search.fill("")
        page.keyboard.type(key)  # two keys; Enter is the third
        active = page.locator("[role=option].active")
        expect(active).to_have_attribute("data-value", value)
    # Korean words and initials, English words
    for typed, label in (("ㅇㄹㅌㄹ", "월 렌탈료 부담"), ("이사", "이사"), ("cheaper", "저렴")):
        search.fill(typed)
        expect(page.locator("[role=option].active")).to_contain_text(label)


def test_a_compensation_decision_reaches_the_agents_claim_screen_without_a_reload(
    page, live_server, contract, artifacts_dir
):
    agent = UserFactory(username="comp-agent", role=Role.AGENT, language="en")
    supervisor = UserFactory(username="comp-supervisor", role=Role.SUPERVISOR)
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leaks")
    _login(page, live_server, "comp-agent")
    page.goto(f"{live_server.url}/desk/claims/{claim.pk}/")
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Form", exact=True).select_option("voucher")
    page.get_by_label("Amount (KRW)").fill("60000")
    page.get_by_role("button", name="Give").click()
    compensation = page.locator(".compensation li").first
    expect(compensation).to_contain_text("Waiting for a supervisor")

    compensation_decide(
        compensation_id=Compensation.objects.get().pk, user=supervisor, approve=True, note="OK"
    )

    expect(compensation).to_contain_text("Approved", timeout=3000)
    assert page.evaluate("window.notReloaded") is True
    page.screenshot(path=str(artifacts_dir / "compensation-approved.png"))


def test_a_call_planned_for_later_is_taken_early_after_a_confirmation(
    page, live_server, contract, artifacts_dir
):
    agent = UserFactory(username="early-agent", role=Role.AGENT, language="en")
    later = call_task_request(
        kind=CallTaskKind.CALLBACK,
        customer_id=contract.customer_id,
        due_at=timezone.now() + timezone.timedelta(days=2),
        idempotency_key="early-call",
        assignee_id=agent.pk,
    )
    _login(page, live_server, "early-agent")
    page.goto(f"{live_server.url}/desk/calls/")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Take early").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Callback")
    assert asked and "before it is due" in asked[0]
    later.refresh_from_db()
    assert later.status == "in_progress"
    assert AuditEntry.objects.get(subject_id=later.pk, action="take_call").data["early"]
    page.screenshot(path=str(artifacts_dir / "call-taken-early.png"))
    assert CallTask.objects.filter(status="in_progress").count() == 1
