"""A/B tests: which arm of each test a request sees, drawn afresh and the same every time."""

import hashlib
from datetime import datetime

from django.utils.translation import gettext as _

from catalog.models import Offer


def variant_bucket(request_id: int, code: str) -> int:
    """0-99, the same for a request and an A/B test every time it is asked (no state)."""
    digest = hashlib.sha256(f"{request_id}:{code}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def variant_drawn(request_id: int, original: Offer, variants: list[Offer]) -> Offer:
    """Which arm of an A/B test this request sees: each variant takes its share of the
    buckets (in id order), the original keeps the rest."""
    bucket, start = variant_bucket(request_id, original.code), 0
    for variant in sorted(variants, key=lambda v: v.pk):
        start += variant.traffic_share or 0
        if bucket < start:
            return variant
    return original


def ab_split(offers: list[Offer], request_id: int, now: datetime) -> dict[int, str]:
    """{offer id: why it is out} for the arms of each A/B test this request does not see.
    Only live arms take part: a draft or retired variant, or one outside its active window
    at `now`, takes no calls (else the original would be hidden on calls where the variant
    is refused, and the customer would get neither)."""
    live = {o.pk: o for o in offers if o.is_active and not o.is_draft and o.is_open_at(now)}
    groups: dict[int, list[Offer]] = {}
    for offer in live.values():
        if offer.variant_of_id in live:  # a retired or draft original runs no test
            groups.setdefault(offer.variant_of_id, []).append(offer)
    out = {}
    for original_id, variants in groups.items():
        drawn = variant_drawn(request_id, live[original_id], variants)
        for arm in [live[original_id], *variants]:
            if arm.pk != drawn.pk:
                out[arm.pk] = _("Another arm of this A/B test was drawn for this call.")
    return out
