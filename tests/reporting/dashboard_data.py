"""Hand-built reporting facts for the dashboard tests: every figure of `book()` is worked out
by hand in the tests that use it (tests/reporting/test_dashboard_metrics.py).

The facts are written directly (not through the services and `facts_refresh`), so each
figure the dashboards read is exactly the one given here. Each fact still has its request or
claim, whose contract, product, customer tier and reason match it (the survey filters follow
those)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from accounts.models import Team
from calls.models import Survey
from claims.models import Claim
from reporting.models import ClaimFact, RequestFact
from tests.factories import (
    CancellationRequestFactory,
    ContractFactory,
    CustomerFactory,
    OfferFactory,
    ProductFactory,
    UserFactory,
)
from winback.models import WinBackCase

SEOUL = ZoneInfo("Asia/Seoul")
# A Wednesday: this week starts on Monday 16 June, the one before on 9 June. The default
# 90 days run from 20 March; save quality's 455 days from 20 March 2024; win-back's 365
# days from 18 June 2024.
TODAY = date(2025, 6, 18)
NOW = datetime(2025, 6, 18, 12, 0, tzinfo=SEOUL)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SEOUL)


def request_fact(
    *,
    agent,
    reason,
    product,
    closed_on: date,
    retained: bool,
    path: str,
    tier: str = "standard",
    offer_code: str = "",
    offer_cost: int = 0,
    monthly_fee: int | None = None,
    months_left: int = 0,
    **fields,
) -> RequestFact:
    """A closed request's fact, with a request for it on a contract of `product`."""
    customer = CustomerFactory(value_tier=tier)
    contract = ContractFactory(customer=customer, product=product)
    request = CancellationRequestFactory(
        contract=contract, customer=customer, agent=agent, reason=reason
    )
    return RequestFact.objects.create(
        request=request,
        closed_at=at(closed_on),
        closed_on=closed_on,
        is_retained=retained,
        contract_id=contract.pk,
        customer_id=customer.pk,
        agent_id=agent.pk,
        team_id=agent.team_id,
        reason_id=reason.pk if reason else None,
        reason_category=reason.category if reason else "",
        product_id=product.pk,
        product_category=product.category,
        value_tier=tier,
        branch=path.split("|")[0],
        path=path,
        offers_presented=path.count("|"),
        offer_code=offer_code,
        offer_cost=offer_cost,
        monthly_fee=product.monthly_fee if monthly_fee is None else monthly_fee,
        months_left=months_left,
        seconds_total=fields.pop("seconds_total", 0),
        **fields,
    )


def claim_fact(
    *, agent, product, closed_on: date, root_cause: str, tier: str = "standard", **fields
) -> ClaimFact:
    """A closed claim's fact, with a claim for it on a contract of `product`."""
    customer = CustomerFactory(value_tier=tier)
    contract = ContractFactory(customer=customer, product=product)
    claim = Claim.objects.create(
        customer=customer, contract=contract, agent=agent, subject="Hand-built claim"
    )
    return ClaimFact.objects.create(
        claim=claim,
        received_at=at(closed_on, 9),
        closed_at=at(closed_on),
        closed_on=closed_on,
        agent_id=agent.pk,
        team_id=agent.team_id,
        root_cause=root_cause,
        product_category=product.category,
        value_tier=tier,
        seconds_total=fields.pop("seconds_total", 0),
        **fields,
    )


_surveys = iter(range(10**6))


def survey(*, touchpoint: str, customer, answered_at: datetime, csat: int, **links) -> Survey:
    n = next(_surveys)
    return Survey.objects.create(
        touchpoint=touchpoint,
        customer=customer,
        token_hash=f"hand-built-{n}",
        idempotency_key=f"hand-built-{n}",
        expires_at=answered_at + timedelta(days=7),
        answered_at=answered_at,
        csat=csat,
        **{"would_return": csat >= 4, "comment": "", **links},
    )


def win_back(*, departed_on: date, tier: str, outcome: str, product, **fields) -> WinBackCase:
    contract = ContractFactory(
        customer=CustomerFactory(value_tier=fields.pop("value_tier", "standard")),
        product=product,
        status="cancelled",
        cancelled_on=departed_on,
    )
    return WinBackCase.objects.create(
        contract=contract,
        customer=contract.customer,
        departed_on=departed_on,
        value=1,
        tier=tier,
        outcome=outcome,
        **fields,
    )


@dataclass
class Book:
    alice: object
    bob: object
    purifier: object
    bidet: object
    fee: object
    fee_b: object
    visit: object
    reasons: dict
    requests: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    surveys: dict = field(default_factory=dict)
    win_backs: dict = field(default_factory=dict)


def book(reason) -> Book:
    """Two agents in two teams, two products, three reasons, an A/B test, six requests,
    three claims, four surveys and three win-back cases (see the module's tests for what
    each adds up to). Call it with the clock at `NOW`."""
    red, blue = Team.objects.create(name="Red"), Team.objects.create(name="Blue")
    alice = UserFactory(
        username="alice", first_name="Alice", last_name="Kim", role="agent", team=red
    )
    bob = UserFactory(username="bob", first_name="Bob", last_name="Lee", role="agent", team=blue)
    purifier = ProductFactory(name_en="Purifier One", category="water_purifier", monthly_fee=30000)
    bidet = ProductFactory(name_en="Bidet Two", category="bidet", monthly_fee=20000)
    fee = OfferFactory(code="FEE", name_en="Fee cut", kind="fee_adjustment")
    fee_b = OfferFactory(
        code="FEE-B", name_en="Fee cut B", kind="fee_adjustment", variant_of=fee, traffic_share=50
    )
    visit = OfferFactory(code="VISIT", name_en="Free visit")
    reasons = {
        code: reason(code) for code in ("fee_burden", "product_quality", "competitor_cheaper")
    }
    b = Book(alice, bob, purifier, bidet, fee, fee_b, visit, reasons)
    fee_burden, quality, cheaper = reasons.values()

    b.requests["r1"] = request_fact(
        agent=alice,
        reason=fee_burden,
        product=purifier,
        closed_on=date(2025, 6, 17),
        retained=True,
        path="financial_burden|FEE:+",
        offer_code="FEE",
        offer_cost=36000,
        monthly_fee=27000,
        months_left=20,
        seconds_reason=60,
        seconds_offers=120,
        seconds_total=300,
    )
    b.requests["r2"] = request_fact(
        agent=alice,
        reason=fee_burden,
        product=purifier,
        tier="vip",
        closed_on=date(2025, 6, 10),
        retained=True,
        path="financial_burden|FEE-B:+",
        offer_code="FEE-B",
        offer_cost=12000,
        monthly_fee=28000,
        months_left=6,
        seconds_reason=30,
        seconds_offers=90,
        seconds_total=200,
    )
    b.requests["r3"] = request_fact(
        agent=bob,
        reason=quality,
        product=bidet,
        closed_on=date(2025, 6, 17),
        retained=False,
        path="dissatisfied|VISIT:-",
        seconds_reason=120,
        seconds_offers=60,
        seconds_quote=100,
        seconds_total=400,
    )
    b.requests["r4"] = request_fact(
        agent=bob,
        reason=cheaper,
        product=bidet,
        tier="gold",
        closed_on=date(2025, 6, 11),
        retained=False,
        path="competitor|FEE:-",
        competitor_name="Rival Rentals",
        competitor_offer="3 months free",
        seconds_reason=200,
        seconds_offers=100,
        seconds_quote=200,
        seconds_total=500,
    )
    b.requests["r5"] = request_fact(
        agent=alice,
        reason=quality,
        product=purifier,
        closed_on=date(2025, 6, 16),
        retained=False,
        path="dissatisfied",
        seconds_reason=100,
        seconds_total=100,
    )
    # Saved in January by a visit that cost more than the month of fees it kept: the
    # contract was cancelled 30 days later. Older than 90 days: only save quality sees it.
    b.requests["r6"] = request_fact(
        agent=alice,
        reason=fee_burden,
        product=purifier,
        closed_on=date(2025, 1, 10),
        retained=True,
        path="financial_burden|VISIT:+",
        offer_code="VISIT",
        offer_cost=80000,
        monthly_fee=30000,
        months_left=30,
        rechurned_on=date(2025, 2, 9),
        rechurn_days=30,
        seconds_total=250,
    )

    b.claims["c1"] = claim_fact(
        agent=alice,
        product=purifier,
        closed_on=date(2025, 6, 17),
        root_cause="product_defect",
        escalated=True,
        had_deadline=True,
        deadline_met=True,
        compensation=50000,
        seconds_apology=60,
        seconds_listening=300,
        seconds_cause=120,
        seconds_countermeasure=200,
        seconds_escalated=600,
        seconds_present=100,
        seconds_execute=1000,
        seconds_recover=60,
        seconds_total=2440,
    )
    b.claims["c2"] = claim_fact(
        agent=bob,
        product=bidet,
        tier="gold",
        closed_on=date(2025, 6, 12),
        root_cause="product_defect",
        had_deadline=True,
        deadline_met=False,
        led_to_cancellation=True,
        seconds_apology=120,
        seconds_listening=100,
        seconds_cause=80,
        seconds_countermeasure=100,
        seconds_present=200,
        seconds_execute=2000,
        seconds_total=2600,
    )
    b.claims["c3"] = claim_fact(
        agent=alice,
        product=purifier,
        tier="vip",
        closed_on=date(2025, 6, 5),
        root_cause="billing",
        compensation=10000,
        seconds_apology=30,
        seconds_listening=60,
        seconds_total=90,
    )

    won = ContractFactory(monthly_fee=30000, term_months=12)
    b.win_backs["w1"] = win_back(
        departed_on=date(2025, 5, 5),
        tier="top",
        outcome="won_back",
        product=purifier,
        value_tier="vip",
        new_contract=won,
        handled_by=alice,
        original_reason=quality,
        closed_at=at(date(2025, 5, 20)),
    )
    b.win_backs["w2"] = win_back(
        departed_on=date(2025, 5, 12),
        tier="middle",
        outcome="declined",
        product=bidet,
        handled_by=bob,
        original_reason=cheaper,
        closed_at=at(date(2025, 5, 14)),
    )
    # Departed in December: older than 90 days, inside win-back's default year.
    b.win_backs["w3"] = win_back(
        departed_on=date(2024, 12, 2), tier="rest", outcome="not_called", product=bidet
    )

    r1, r3 = b.requests["r1"].request, b.requests["r3"].request
    c2, w1 = b.claims["c2"].claim, b.win_backs["w1"]
    b.surveys["save"] = survey(
        touchpoint="save",
        customer=r1.customer,
        cancellation_request=r1,
        agent=alice,
        answered_at=at(date(2025, 6, 17), 15),
        csat=5,
        comment="Kind and quick",
    )
    b.surveys["cancellation"] = survey(
        touchpoint="cancellation",
        customer=r3.customer,
        cancellation_request=r3,
        agent=bob,
        answered_at=at(date(2025, 6, 17), 14),
        csat=2,
        comment="Took too long",
    )
    b.surveys["claim"] = survey(
        touchpoint="claim",
        customer=c2.customer,
        claim=c2,
        agent=bob,
        answered_at=at(date(2025, 6, 13)),
        csat=1,
        comment="Nobody called back",
    )
    b.surveys["win_back"] = survey(
        touchpoint="win_back",
        customer=w1.customer,
        win_back=w1,
        agent=alice,
        answered_at=at(date(2025, 5, 21)),
        csat=4,
    )
    return b
