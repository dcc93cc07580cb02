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
    Reason = apps.get_model("catalog", "Reason")
    for order, (code, category, ko, en) in enumerate(REASONS):
        Reason.objects.get_or_create(
            code=code,
            defaults={"category": category, "label_ko": ko, "label_en": en, "sort_order": order},
        )


# The customer-type playbook (고객 유형별 응대 요령), in our own words.
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
        "unconditional_complainer",
        "무조건 따지는 고객",
        "Unconditional complainer",
        '"어쩔 수 없습니다", "아니요"처럼 바로 반박하지 마세요. 공감하며 끝까지 들은 뒤 '
        "차근차근 설명하거나 책임자가 응대하도록 하세요. "
        "회사 잘못이면 즉시 사과하고 정성껏 해결하세요.",
        'Never contradict at once ("nothing we can do", "no"). Listen with empathy, then '
        "explain step by step or bring in a manager. If we were at fault, apologise at once "
        "and put it right wholeheartedly.",
    ),
    (
        "unreasonable_demander",
        "무리한 요구를 하는 고객",
        "Unreasonable demander",
        "언쟁은 피하세요. 고객의 입장을 충분히 이해하고 있다는 것을 먼저 알린 뒤, "
        "인내심을 가지고 요구가 왜 어려운지 납득하도록 설명하세요.",
        "Avoid any argument. First show that you understand their position, then patiently "
        "explain why the demand cannot be met until they accept it.",
    ),
    (
        "chronic_complainer",
        "불평이 많은 고객",
        "Chronic complainer",
        "맞장구를 치고 고객을 존중해 드리면서 설득하세요. 인정받는다고 느끼면 불만이 누그러집니다.",
        "Agree where you can and show respect; once they feel acknowledged they are much "
        "easier to persuade.",
    ),
    (
        "easily_excited",
        "쉽게 흥분하는 고객",
        "Easily excited",
        "진정하라고 요구하거나 같이 화내지 마세요. 부드러운 목소리로 정성껏 응대하며 "
        "고객이 충분히 말하게 하면 기분이 스스로 가라앉습니다.",
        "Never ask them to calm down and never raise your voice back. Answer softly and "
        "carefully and let them talk: the mood usually settles on its own.",
    ),
    (
        "exaggerator",
        "과장하거나 가정해서 말하는 고객",
        "Exaggerator",
        "정면으로 부정하거나 따져 확인하지 말고, 돌려서 사실을 말하도록 이끄세요. "
        "고객이 한 말은 그대로 기록해 두고, 말보다 객관적인 자료로 응대하세요.",
        "Do not deny or challenge it head on; steer gently towards the facts. Write down "
        "exactly what they say in case it changes, and answer with records rather than words.",
    ),
    (
        "talkative",
        "말이 많은 고객",
        "Talkative",
        "참고 들어 주세요. 말을 노골적으로 끊는 것은 절대 피하세요.",
        "Be patient and listen. Never cut them off bluntly.",
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
        "sarcastic_contrarian",
        "빈정거리거나 무엇이든 반대하는 고객",
        "Sarcastic or contrarian",
        "고객의 자존심을 존중하면서 대화를 문제 해결 쪽으로 되돌리세요. "
        "빈정거림은 어느 정도 인정하고 여유 있게 받아 주세요.",
        "Bring the conversation back to solving the problem while respecting their pride. "
        "Let some sarcasm pass with good grace.",
    ),
    (
        "suspicious",
        "의심이 많은 고객",
        "Suspicious",
        "지나친 설명이나 친절은 오히려 의심을 키웁니다. 자신감 있게, 짧고 분명하게 말하고 "
        "확실한 근거를 보여 드려 고객 스스로 확신하게 하세요.",
        "Too much detail or friendliness breeds more suspicion. Be confident, brief and "
        "clear, and show evidence so they convince themselves.",
    ),
    (
        "boastful",
        "뽐내는 고객",
        "Boastful",
        "단순한 면이 있어 맞장구를 쳐 드리면 불만이 쉽게 풀립니다.",
        "Simple to please: agree and show admiration, and the complaint eases quickly.",
    ),
    (
        "meticulous",
        "깐깐한 고객",
        "Meticulous",
        "자존심이 강하니 정중하고 친절하게, 빈틈없이 응대하세요.",
        "Proud and exacting: be courteous, kind and precise in every detail.",
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
    CustomerType = apps.get_model("catalog", "CustomerType")
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
