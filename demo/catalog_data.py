"""The demo's retention catalog: the offers (with an A/B variant) and the competitor
battlecards."""

from catalog.models import Battlecard, Offer

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
