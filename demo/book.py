"""Demo data: a Korean rental business's book, deterministic and safe to load twice.

Row `i` is always built from `random.Random(i)`, so seeding 500 customers and later 5,000
yields the same first 500 and adds the rest; unique numbers plus `ignore_conflicts` make a
second run add nothing. Inserts are batched (`bulk_create`), which is what lets 100,000
customers load in well under a minute. The users, products and retention catalog the book
needs come from `demo.people`, `demo.products` and `demo.catalog_data`.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from core.dates import months_between
from customers.choices import ContractStatus, Region, ValueTier
from customers.models import Contract, Customer, Product
from demo.catalog_data import demo_battlecards_ensure, demo_offers_ensure
from demo.people import demo_users_ensure
from demo.products import demo_products_ensure

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
