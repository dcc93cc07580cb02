"""The reason taxonomy every installation starts with (a data migration loads it; catalog
admins edit it afterwards). Labels are our own words for what customers say on the phone."""

REASONS = [
    # code, category, Korean, English
    ("product_quality", "dissatisfaction", "제품 품질·성능 불만", "Product quality or performance"),
    ("product_breakdown", "dissatisfaction", "잦은 고장", "Frequent breakdowns"),
    ("service_visits", "dissatisfaction", "방문 관리 서비스 불만", "Care visits fall short"),
    ("staff_conduct", "dissatisfaction", "상담원·기사 응대 불만", "Staff or technician conduct"),
    ("price_value", "dissatisfaction", "가격 대비 가치 부족", "Not worth the price"),
    ("income_drop", "financial", "소득 감소", "Lower income"),
    ("household_budget", "financial", "생활비 절감", "Cutting household spending"),
    ("fee_burden", "financial", "월 렌탈료 부담", "The monthly fee is a burden"),
    ("relocation", "contract_change", "이사", "Moving house"),
    ("term_change", "contract_change", "약정 기간 변경 희망", "Wants a different term"),
    ("ownership_change", "contract_change", "명의 변경", "Change of account holder"),
    ("long_absence", "contract_change", "장기 부재", "Away for a long time"),
    ("competitor_cheaper", "competitor", "타사가 더 저렴함", "A competitor is cheaper"),
    ("competitor_gift", "competitor", "타사 가입 사은품", "A competitor's sign-up gift"),
    ("competitor_product", "competitor", "타사 제품이 더 좋음", "A competitor's product is better"),
    ("emigration", "unavoidable", "해외 이주", "Emigrating"),
    ("death", "unavoidable", "계약자 사망", "The customer has died"),
    ("no_longer_needed", "unavoidable", "더 이상 필요 없음", "No longer needed"),
]


def reasons_seed(apps, schema_editor=None) -> None:
    """Create the starting reasons that do not exist yet (never overwrites an admin's edit)."""
    Reason = apps.get_model("retention", "Reason")
    for order, (code, category, ko, en) in enumerate(REASONS):
        Reason.objects.get_or_create(
            code=code,
            defaults={"category": category, "label_ko": ko, "label_en": en, "sort_order": order},
        )


# A first few playbook types; the claims desk completes the playbook.
CUSTOMER_TYPES = [
    (
        "loud_protester",
        "큰 소리로 항의하는 고객",
        "Loud protester",
        "목소리를 낮추고 천천히 말하세요. 분위기를 바꾸는 것이 도움이 됩니다. "
        "필요하면 양해를 구한 뒤 상담자를 바꾸거나 조용한 곳에서 이어 가세요.",
        "Lower your voice and slow down. Changing the mood helps: with the customer's "
        "agreement, hand over to a colleague or continue somewhere quieter.",
    ),
    (
        "repeater",
        "같은 말을 반복하는 고객",
        "Repeater",
        "고객이 가장 말하고 싶은 핵심을 짧게 정리해 되짚어 드리세요. 제대로 들었다는 확신을 드리면 "
        "반복이 줄어듭니다.",
        "Sum up the heart of the complaint in a sentence and say it back. Once the customer "
        "is sure they were heard, the repeating stops.",
    ),
    (
        "expert",
        "전문가형 고객",
        "Expert",
        "고객의 지식을 인정하고 자존심을 건드리지 마세요. "
        "모르는 부분은 솔직히 말하고 확인해서 다시 연락드리겠다고 약속하세요.",
        "Acknowledge what the customer knows and never challenge their pride. Admit what you "
        "do not know and promise to check and call back.",
    ),
]


def customer_types_seed(apps, schema_editor=None) -> None:
    CustomerType = apps.get_model("retention", "CustomerType")
    for order, (code, name_ko, name_en, tips_ko, tips_en) in enumerate(CUSTOMER_TYPES):
        CustomerType.objects.get_or_create(
            code=code,
            defaults={
                "name_ko": name_ko,
                "name_en": name_en,
                "tips_ko": tips_ko,
                "tips_en": tips_en,
                "sort_order": order,
            },
        )
