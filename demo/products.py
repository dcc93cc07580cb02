"""The demo's products: what a Korean rental business rents out, each cheaper model of a
category an alternative to the dearer ones."""

from customers.choices import ProductCategory
from customers.models import Product

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
