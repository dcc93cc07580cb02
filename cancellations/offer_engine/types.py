"""What the offer engine works with: the facts about one request, its verdict on one offer."""

from dataclasses import dataclass, field
from datetime import date, datetime

from catalog.models import Offer
from customers.models import Contract, Product


@dataclass
class OfferEvaluation:
    offer: Offer
    eligible: bool
    why_not: list[str] = field(default_factory=list)
    monthly_fee_before: int = 0
    monthly_fee_after: int = 0
    cost: int = 0
    retained_revenue: int = 0
    net_value: int = 0
    needs_approval: bool = False
    acceptance_rate: float | None = None
    terms: dict = field(default_factory=dict)


@dataclass
class OfferContext:
    """What the engine knows about the request, loaded once per request."""

    contract: Contract
    product: Product
    value_tier: str
    reason_id: int | None
    reason_category: str | None
    today: date
    now: datetime
    cheapest_alternative: Product | None = None
    uses_last_year: dict[int, int] = field(default_factory=dict)  # offer id -> accepted count
    presented_in_request: set[int] = field(default_factory=set)  # offer ids
    acceptance: dict[int, float] = field(default_factory=dict)  # offer id -> rate
