"""Demo data: a Korean rental business's book, deterministic and safe to load twice.

Row `i` is always built from `random.Random(i)`, so seeding 500 customers and later 5,000
yields the same first 500 and adds the rest; unique numbers plus `ignore_conflicts` make a
second run add nothing. Inserts are batched (`bulk_create`), which is what lets 100,000
customers load in well under a minute.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Team, User
from accounts.roles import Role
from core.dates import months_between
from customers.choices import ContractStatus, ProductCategory, Region, ValueTier
from customers.models import Contract, Customer, Product

DEMO_PASSWORD = "demo-desk-2026"
DEMO_USERS = [
    # username, first name, last name, role, team
    ("agent", "지은", "김", Role.AGENT, "1팀"),
    ("supervisor", "민수", "박", Role.SUPERVISOR, "1팀"),
    ("catalog_admin", "서연", "이", Role.CATALOG_ADMIN, ""),
    ("specialist", "현우", "정", Role.SPECIALIST, ""),
    ("agent2", "수빈", "최", Role.AGENT, "1팀"),
    ("agent3", "도윤", "강", Role.AGENT, "1팀"),
    ("agent4", "하은", "조", Role.AGENT, "2팀"),
    ("agent5", "준호", "윤", Role.AGENT, "2팀"),
    ("supervisor2", "예린", "장", Role.SUPERVISOR, "2팀"),
]

# code, ko, en, category, fee, min term, standard term, penalty %, installation, registration
PRODUCTS = [
    (
        "WP-ICE",
        "얼음정수기 아이스",
        "Ice water purifier",
        ProductCategory.WATER_PURIFIER,
        44900,
        36,
        60,
        30,
        100000,
        50000,
    ),
    (
        "WP-STD",
        "스탠드 정수기",
        "Stand water purifier",
        ProductCategory.WATER_PURIFIER,
        32900,
        36,
        60,
        30,
        100000,
        50000,
    ),
    (
        "WP-MINI",
        "미니 정수기",
        "Mini water purifier",
        ProductCategory.WATER_PURIFIER,
        19900,
        36,
        36,
        20,
        60000,
        30000,
    ),
    (
        "BD-PREM",
        "프리미엄 비데",
        "Premium bidet",
        ProductCategory.BIDET,
        24900,
        36,
        48,
        30,
        50000,
        30000,
    ),
    (
        "BD-BASIC",
        "베이직 비데",
        "Basic bidet",
        ProductCategory.BIDET,
        14900,
        24,
        36,
        20,
        30000,
        20000,
    ),
    (
        "AP-LARGE",
        "대형 공기청정기",
        "Large air purifier",
        ProductCategory.AIR_PURIFIER,
        39900,
        36,
        60,
        30,
        0,
        50000,
    ),
    (
        "AP-MID",
        "중형 공기청정기",
        "Mid-size air purifier",
        ProductCategory.AIR_PURIFIER,
        27900,
        36,
        48,
        25,
        0,
        30000,
    ),
    (
        "AP-SMALL",
        "소형 공기청정기",
        "Compact air purifier",
        ProductCategory.AIR_PURIFIER,
        16900,
        24,
        36,
        20,
        0,
        20000,
    ),
    (
        "MT-KING",
        "킹 매트리스 케어",
        "King mattress with care",
        ProductCategory.MATTRESS,
        49900,
        36,
        60,
        35,
        0,
        100000,
    ),
    (
        "MT-QUEEN",
        "퀸 매트리스 케어",
        "Queen mattress with care",
        ProductCategory.MATTRESS,
        39900,
        36,
        60,
        35,
        0,
        80000,
    ),
    (
        "MT-SINGLE",
        "싱글 매트리스 케어",
        "Single mattress with care",
        ProductCategory.MATTRESS,
        24900,
        36,
        48,
        30,
        0,
        50000,
    ),
    (
        "MC-PREM",
        "프리미엄 안마의자",
        "Premium massage chair",
        ProductCategory.MASSAGE_CHAIR,
        99000,
        39,
        60,
        40,
        150000,
        100000,
    ),
    (
        "MC-STD",
        "스탠다드 안마의자",
        "Standard massage chair",
        ProductCategory.MASSAGE_CHAIR,
        69000,
        39,
        60,
        35,
        150000,
        100000,
    ),
    (
        "MC-COMPACT",
        "컴팩트 안마의자",
        "Compact massage chair",
        ProductCategory.MASSAGE_CHAIR,
        49000,
        36,
        48,
        30,
        100000,
        80000,
    ),
]

SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나"
    "지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉"
)
GIVEN = "민서지현수영준우진하은예도윤채성연호유재승희태경주원혜아소동건정다나가상혁병철훈미선"
REGION_CITIES = {
    Region.SEOUL: ("서울특별시", ["강남구", "마포구", "송파구", "노원구", "관악구", "서초구"]),
    Region.BUSAN: ("부산광역시", ["해운대구", "부산진구", "동래구", "사하구"]),
    Region.DAEGU: ("대구광역시", ["수성구", "달서구", "북구"]),
    Region.INCHEON: ("인천광역시", ["남동구", "부평구", "연수구"]),
    Region.GWANGJU: ("광주광역시", ["서구", "북구", "광산구"]),
    Region.DAEJEON: ("대전광역시", ["유성구", "서구", "중구"]),
    Region.ULSAN: ("울산광역시", ["남구", "중구"]),
    Region.SEJONG: ("세종특별자치시", ["한솔동", "도담동"]),
    Region.GYEONGGI: ("경기도", ["수원시", "성남시", "고양시", "용인시", "부천시", "화성시"]),
    Region.GANGWON: ("강원특별자치도", ["춘천시", "원주시", "강릉시"]),
    Region.CHUNGBUK: ("충청북도", ["청주시", "충주시"]),
    Region.CHUNGNAM: ("충청남도", ["천안시", "아산시"]),
    Region.JEONBUK: ("전북특별자치도", ["전주시", "익산시"]),
    Region.JEONNAM: ("전라남도", ["여수시", "순천시"]),
    Region.GYEONGBUK: ("경상북도", ["포항시", "구미시"]),
    Region.GYEONGNAM: ("경상남도", ["창원시", "김해시"]),
    Region.JEJU: ("제주특별자치도", ["제주시", "서귀포시"]),
}
# Population-ish weights so the demo looks like a Korean customer base.
REGION_WEIGHTS = [19, 6, 5, 6, 3, 3, 2, 1, 26, 3, 3, 4, 3, 3, 5, 6, 2]
STREETS = ["중앙로", "대학로", "시청로", "공원로", "문화로", "역삼로", "한빛로", "새싹길", "푸른길"]
BATCH = 10_000


@dataclass
class SeedResult:
    customers_created: int = 0
    contracts_created: int = 0


def demo_users_ensure() -> list[User]:
    users = []
    teams = {}
    for username, first, last, role, team_name in DEMO_USERS:
        if team_name and team_name not in teams:
            teams[team_name], _ = Team.objects.get_or_create(name=team_name)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "language": "ko",
                "team": teams.get(team_name),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=str(role)))
        if role == Role.SUPERVISOR and team_name and teams[team_name].lead_id is None:
            teams[team_name].lead = user
            teams[team_name].save(update_fields=["lead"])
        users.append(user)
    return users


def demo_products_ensure() -> dict[str, Product]:
    products = {}
    for code, ko, en, category, fee, min_term, term, penalty, install, registration in PRODUCTS:
        product, _created = Product.objects.get_or_create(
            code=code,
            defaults={
                "name_ko": ko,
                "name_en": en,
                "category": category,
                "monthly_fee": fee,
                "minimum_term_months": min_term,
                "default_term_months": term,
                "penalty_rate_percent": penalty,
                "installation_fee": install,
                "registration_fee": registration,
            },
        )
        products[code] = product
    by_category: dict[str, list[Product]] = {}
    for product in products.values():
        by_category.setdefault(product.category, []).append(product)
    for siblings in by_category.values():
        for product in siblings:
            cheaper = [p for p in siblings if p.monthly_fee < product.monthly_fee]
            if cheaper:
                product.alternatives.add(*cheaper)
    return products


CUSTOMER_COLUMNS = (
    "customer_no",
    "name",
    "phone",
    "alt_phone",
    "email",
    "region",
    "address",
    "value_tier",
    "language",
    "do_not_call",
    "marketing_consent",
    "lifetime_revenue",
    "created_at",
)
CONTRACT_COLUMNS = (
    "number",
    "customer_id",
    "product_id",
    "start_date",
    "term_months",
    "monthly_fee",
    "prepaid_amount",
    "status",
    "cancelled_on",
    "updated_at",
    "discount_percent",
    "free_months_remaining",
)
_REGIONS = list(REGION_CITIES)
_TIERS = [ValueTier.VIP.value, ValueTier.GOLD.value, ValueTier.STANDARD.value]


def _customer_row(i: int, today: date, lifetime_revenue: int) -> tuple:
    rng = random.Random(i)
    surnames = SURNAMES[:40] if rng.random() < 0.9 else SURNAMES
    name = rng.choice(surnames) + rng.choice(GIVEN) + rng.choice(GIVEN)
    region = rng.choices(_REGIONS, weights=REGION_WEIGHTS)[0]
    city, districts = REGION_CITIES[region]
    address = (
        f"{city} {rng.choice(districts)} {rng.choice(STREETS)} {rng.randint(1, 300)}, "
        f"{rng.randint(101, 120)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
    )
    phone = f"010{rng.randint(0, 99_999_999):08d}"
    alt_phone = f"0{rng.choice([2, 31, 32, 51, 53])}{rng.randint(2_000_000, 9_999_999)}"
    tier = rng.choices(_TIERS, weights=[5, 20, 75])[0]
    return (
        f"C{i:08d}",
        name,
        phone,
        alt_phone if rng.random() < 0.15 else "",
        f"customer{i}@example.kr" if rng.random() < 0.6 else "",
        region.value,
        address,
        tier,
        "en" if rng.random() < 0.03 else "ko",
        rng.random() < 0.02,
        rng.random() < 0.5,
        lifetime_revenue,
        _aware(today - timedelta(days=rng.randint(30, 2000))),
    )


def _aware(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=timezone.get_current_timezone())


def _contract_rows(i: int, products: list[Product], today: date) -> tuple[list[list], int]:
    """The customer's contracts (customer id still to fill in) and the revenue paid (KRW)."""
    rng = random.Random(i * 7919 + 17)
    count = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
    rows, revenue = [], 0
    now = timezone.now()
    for k in range(count):
        product = rng.choice(products)
        term = rng.choice(sorted({product.default_term_months, product.minimum_term_months, 60}))
        start = today - timedelta(days=rng.randint(15, 60 * 30))
        months = min(months_between(start, today), term)
        fee = max(product.monthly_fee - rng.choice([0, 0, 0, 0, 1000, 2000, 3000]), 0)
        status, cancelled_on = ContractStatus.ACTIVE.value, None
        roll = rng.random()
        if months_between(start, today) >= term:
            status = ContractStatus.ENDED.value
        elif roll < 0.08:
            status = ContractStatus.CANCELLED.value
            cancelled_on = start + timedelta(days=rng.randint(1, max((today - start).days, 1)))
            months = months_between(start, cancelled_on)
        elif roll < 0.10:
            status = ContractStatus.SUSPENDED.value
        revenue += months * fee
        prepaid = fee if rng.random() < 0.1 else 0
        rows.append(
            [
                f"R{i:08d}-{k + 1}",
                None,
                product.pk,
                start,
                term,
                fee,
                prepaid,
                status,
                cancelled_on,
                now,
                0,
                0,
            ]
        )
    return rows, revenue


def copy_rows(table: str, columns: tuple[str, ...], rows) -> None:
    """COPY rows in: the fastest way PostgreSQL takes a batch (triggers still fire)."""
    with connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def demo_seed(*, customers: int, today: date) -> SeedResult:
    """Make sure customers C00000001..C{customers} and their contracts exist.

    Rows that already exist are skipped before anything is generated, so a second run costs
    one index scan per batch and writes nothing.
    """
    if customers < 0:
        raise ValueError("customers must be zero or more")
    result = SeedResult()
    with transaction.atomic():
        demo_users_ensure()
        products = list(demo_products_ensure().values())
        demo_offers_ensure()
        demo_battlecards_ensure()
    for first in range(1, customers + 1, BATCH):
        last = min(first + BATCH, customers + 1) - 1
        with transaction.atomic():
            existing = set(
                Customer.objects.filter(
                    customer_no__gte=f"C{first:08d}", customer_no__lte=f"C{last:08d}"
                ).values_list("customer_no", flat=True)
            )
            missing = [i for i in range(first, last + 1) if f"C{i:08d}" not in existing]
            if not missing:
                continue
            contracts, customer_rows = {}, []
            for i in missing:
                contracts[i], revenue = _contract_rows(i, products, today)
                customer_rows.append(_customer_row(i, today, revenue))
            copy_rows(Customer._meta.db_table, CUSTOMER_COLUMNS, customer_rows)
            ids = dict(
                Customer.objects.filter(
                    customer_no__gte=f"C{first:08d}", customer_no__lte=f"C{last:08d}"
                ).values_list("customer_no", "id")
            )
            contract_rows = []
            for i in missing:
                for row in contracts[i]:
                    row[1] = ids[f"C{i:08d}"]
                    contract_rows.append(row)
            copy_rows(Contract._meta.db_table, CONTRACT_COLUMNS, contract_rows)
            result.customers_created += len(missing)
            result.contracts_created += len(contract_rows)
    return result


# code, kind, value, duration, categories, ko name, en name, ko script, en script,
# fixed cost, agent limit, extra fields
DEMO_OFFERS = [
    (
        "FIN-FEE-3000",
        "fee_adjustment",
        3000,
        None,
        ["financial"],
        "월 3,000원 요금 조정",
        "KRW 3,000 off the monthly fee",
        "부담을 덜어 드릴 수 있도록 남은 기간 동안 매달 3,000원을 낮춰 드릴 수 있습니다.",
        "To ease the burden, we can take KRW 3,000 off every month for the rest of the term.",
        0,
        150_000,
        {"min_tenure_months": 6},
    ),
    (
        "FIN-DOWNGRADE",
        "product_change",
        0,
        None,
        ["financial", "dissatisfaction"],
        "알뜰 모델로 변경",
        "Switch to a lower-priced model",
        "같은 관리 서비스는 그대로 받으시면서 월 렌탈료가 더 낮은 모델로 바꾸실 수 있습니다.",
        "You can keep the same care service on a model with a lower monthly fee.",
        30_000,
        None,
        {
            "pitch_ko": {
                "dissatisfaction": "지금 제품이 잘 맞지 않으신다면, 관리 서비스는 그대로 두고 "
                "더 간단한 모델로 바꿔 드릴 수 있습니다."
            },
            "pitch_en": {
                "dissatisfaction": "If this model does not suit you, we can switch you to a "
                "simpler one and keep the same care service."
            },
        },
    ),
    (
        "FIN-FREE-1",
        "free_months",
        1,
        None,
        ["financial"],
        "1개월 렌탈료 면제",
        "One month free",
        "이번 달 렌탈료를 면제해 드리고, 계약은 그대로 이어가실 수 있습니다.",
        "We can waive this month's fee and keep your contract as it is.",
        0,
        40_000,
        {},
    ),
    (
        "DIS-VISIT",
        "service_improvement",
        30_000,
        None,
        ["dissatisfaction"],
        "전문 기사 무상 점검",
        "Free visit by a senior technician",
        "불편을 겪으셨던 부분을 전문 기사가 직접 방문해 무상으로 점검해 드리겠습니다.",
        "A senior technician will visit and check what went wrong, free of charge.",
        25_000,
        None,
        {},
    ),
    (
        "DIS-FILTER",
        "service_improvement",
        20_000,
        None,
        ["dissatisfaction"],
        "필터 무상 교체",
        "Free filter replacement",
        "필터를 지금 바로 무상으로 교체해 드려 처음 성능을 되찾게 해 드리겠습니다.",
        "We will replace the filters now, free, to bring back the original performance.",
        15_000,
        None,
        {"product_categories": ["water_purifier", "air_purifier"]},
    ),
    (
        "DIS-DISC-10",
        "discount_percent",
        10,
        6,
        ["dissatisfaction"],
        "6개월간 10% 할인",
        "10% off for 6 months",
        "불편을 드린 만큼 앞으로 6개월 동안 렌탈료를 10% 할인해 드리겠습니다.",
        "For the trouble you had, we will take 10% off your fee for the next 6 months.",
        0,
        30_000,
        {},
    ),
    (
        "CHG-RELOCATE",
        "contract_change",
        0,
        None,
        ["contract_change"],
        "이전 설치 무료",
        "Free relocation and reinstallation",
        "이사하시는 곳으로 제품을 무료로 옮겨 다시 설치해 드립니다.",
        "We will move the product to your new home and reinstall it free of charge.",
        50_000,
        None,
        {},
    ),
    (
        "CHG-PAUSE-3",
        "pause",
        3,
        None,
        ["contract_change", "financial"],
        "최대 3개월 일시 중지",
        "Pause for up to 3 months",
        "장기간 집을 비우시는 동안 최대 3개월까지 렌탈을 일시 중지하실 수 있습니다.",
        "While you are away you can pause the rental for up to 3 months.",
        5_000,
        None,
        {
            "pitch_ko": {
                "financial": "형편이 나아지실 때까지 최대 3개월 동안 렌탈료 없이 쉬어 가실 수 "
                "있고, 그 기간만큼 계약이 뒤로 미뤄집니다."
            },
            "pitch_en": {
                "financial": "Until things get easier you can pause for up to 3 months with "
                "no fee at all; the contract simply moves back by that time."
            },
        },
    ),
    (
        "CMP-MATCH",
        "competitor_match",
        100_000,
        None,
        ["competitor"],
        "타사 조건 맞춤 혜택",
        "Match the competitor's benefit",
        "타사에서 제안받으신 혜택만큼 저희도 맞춰 드리고, 그동안의 관리 이력은 그대로 유지됩니다.",
        "We will match the benefit you were offered, and keep your full care history with us.",
        80_000,
        50_000,
        {},
    ),
    (
        "CMP-DISC-20",
        "discount_percent",
        20,
        12,
        ["competitor"],
        "12개월간 20% 할인 (우수 고객)",
        "20% off for 12 months (valued customers)",
        "오래 함께해 주신 고객님께 12개월 동안 20% 할인을 드릴 수 있습니다.",
        "As a long-standing customer you can have 20% off for 12 months.",
        0,
        100_000,
        {"value_tiers": ["vip", "gold"]},
    ),
]


# An A/B test in the demo: a bigger fee adjustment takes 30% of the financial-burden calls.
DEMO_VARIANTS = [
    (
        "FIN-FEE-5000",
        "FIN-FEE-3000",
        30,
        5000,
        "월 5,000원 요금 조정",
        "KRW 5,000 off the monthly fee",
        "부담을 덜어 드릴 수 있도록 남은 기간 동안 매달 5,000원을 낮춰 드릴 수 있습니다.",
        "To ease the burden, we can take KRW 5,000 off every month for the rest of the term.",
    )
]

# Battlecards: what each competitor in the demo history typically offers, and our answer.
DEMO_BATTLECARDS = [
    (
        "코웨이",
        "가입 후 첫 3개월 무료 이용 행사를 자주 합니다.",
        "Often runs a first-three-months-free sign-up promotion.",
        "무료 기간이 끝나면 요금이 원래대로 돌아갑니다. 저희는 지금까지의 관리 이력과 담당 "
        "기사님이 그대로 이어지고, 남은 기간의 요금 조정도 검토해 드릴 수 있습니다.",
        "The fee goes back up when the free months end. With us the care history and the same "
        "technician carry on, and we can look at adjusting the fee for the rest of the term.",
    ),
    (
        "SK매직",
        "월 5,000원 안팎의 렌탈료 할인을 내세웁니다.",
        "Advertises around KRW 5,000 off the monthly fee.",
        "할인 조건(약정 기간, 위약금)을 함께 확인해 보시도록 안내하고, 해지 시 드는 위약금과 "
        "설치비 회수까지 합친 실제 비용을 비교해 드리세요.",
        "Suggest checking the conditions behind the discount (term, penalties) and compare the "
        "real cost, including our cancellation penalty and installation-fee recovery.",
    ),
    (
        "쿠쿠",
        "가입 사은품(주방 가전 등)을 제공합니다.",
        "Gives a sign-up gift (kitchen appliances and the like).",
        "사은품은 한 번이지만 관리 서비스는 계약 기간 내내 이어집니다. 필요하면 저희 사은품 "
        "혜택도 함께 안내하세요.",
        "A gift is once; the care service lasts the whole term. Where it fits, present our own "
        "gift benefit too.",
    ),
]


def demo_battlecards_ensure() -> None:
    from catalog.models import Battlecard

    for order, (name, offer_ko, offer_en, answer_ko, answer_en) in enumerate(DEMO_BATTLECARDS):
        Battlecard.objects.get_or_create(
            competitor=name,
            defaults={
                "their_offer_ko": offer_ko,
                "their_offer_en": offer_en,
                "our_answer_ko": answer_ko,
                "our_answer_en": answer_en,
                "sort_order": order,
            },
        )


def demo_offers_ensure() -> None:
    from catalog.models import Offer

    for (
        code,
        kind,
        value,
        duration,
        categories,
        name_ko,
        name_en,
        script_ko,
        script_en,
        fixed_cost,
        agent_limit,
        extra,
    ) in DEMO_OFFERS:
        Offer.objects.get_or_create(
            code=code,
            defaults={
                "kind": kind,
                "value": value,
                "duration_months": duration,
                "reason_categories": categories,
                "name_ko": name_ko,
                "name_en": name_en,
                "script_ko": script_ko,
                "script_en": script_en,
                "fixed_cost": fixed_cost,
                "agent_limit": agent_limit,
                **extra,
            },
        )
    for code, original, share, value, name_ko, name_en, script_ko, script_en in DEMO_VARIANTS:
        base = Offer.objects.filter(code=original).first()
        if base is None:
            continue
        Offer.objects.get_or_create(
            code=code,
            defaults={
                "kind": base.kind,
                "value": value,
                "reason_categories": base.reason_categories,
                "min_tenure_months": base.min_tenure_months,
                "name_ko": name_ko,
                "name_en": name_en,
                "script_ko": script_ko,
                "script_en": script_en,
                "agent_limit": base.agent_limit,
                "variant_of": base,
                "traffic_share": share,
            },
        )
