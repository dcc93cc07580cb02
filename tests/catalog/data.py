"""Form data for the catalog's forms, as a browser would post them: a valid offer or product
with overrides, and the data of an item as stored now (what its edit page shows)."""

from catalog.choices import OfferKind, ReasonCategory
from catalog.services.versions import snapshot, version_latest
from customers.choices import ProductCategory


def offer_data(**overrides) -> dict:
    """A valid new offer as the edit page posts it: a KRW 20,000 service improvement for the
    financial branch."""
    data = {
        "code": "NEW-VISIT",
        "name_ko": "무상 점검",
        "name_en": "Free check-up",
        "script_ko": "기사님이 무상으로 점검해 드립니다.",
        "script_en": "A technician checks the product for free.",
        "kind": OfferKind.SERVICE_IMPROVEMENT,
        "value": 20000,
        "duration_months": "",
        "target_product": "",
        "new_term_months": "",
        "reason_categories": [ReasonCategory.FINANCIAL],
        "reasons": [],
        "min_tenure_months": 0,
        "max_tenure_months": "",
        "product_categories": [],
        "value_tiers": [],
        "max_uses_per_year": "",
        "active_from": "",
        "active_until": "",
        "fixed_cost": 10000,
        "agent_limit": "",
        "variant_of": "",
        "traffic_share": "",
    }
    data.update(overrides)
    return data


def product_data(**overrides) -> dict:
    """A valid new product at KRW 25,000 a month."""
    data = {
        "code": "P-NEW",
        "name_ko": "새 정수기",
        "name_en": "New purifier",
        "category": ProductCategory.WATER_PURIFIER,
        "monthly_fee": 25000,
        "alternatives": [],
        "minimum_term_months": 36,
        "default_term_months": 60,
        "penalty_rate_percent": 30,
        "installation_fee": 100000,
        "registration_fee": 50000,
        "fee_adjustable": True,
        "fee_floor": 20000,
        "fee_adjustment_min_tenure_months": 12,
        "relocatable": True,
        "term_extendable": True,
        "max_pause_months": 3,
        "is_active": True,
        "effective_from": "",
    }
    data.update(overrides)
    return data


def instance_data(instance, **overrides) -> dict:
    """Form data for editing `instance` as it is stored now (what the edit page shows), with
    the version the editor started from (none for an item without history)."""
    state = snapshot(type(instance).objects.get(pk=instance.pk))
    data = {name: ("" if value is None else value) for name, value in state.items()}
    data["base_version"] = version_latest(instance) or ""
    data.update(overrides)
    return data
