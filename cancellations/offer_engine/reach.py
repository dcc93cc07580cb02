"""How many of today's active contracts an offer could be given to: the catalog editor's
measure of an offer, counted in the database (one query), not contract by contract."""

import calendar
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from catalog.choices import OfferKind
from catalog.models import Offer
from core.dates import add_months
from customers.choices import ContractStatus
from customers.models import Contract, Product


def _months_back(today: date, months: int) -> date:
    """The latest start date with at least `months` of tenure today, as `months_between`
    counts it (on the last day of a month, a whole month has passed since any day of the
    month before)."""
    back = add_months(today, -months)
    if today.day == calendar.monthrange(today.year, today.month)[1]:
        back = back.replace(day=calendar.monthrange(back.year, back.month)[1])
    return back


def offer_reach(*, offer: Offer, today: date | None = None) -> int:
    """How many of today's active contracts the offer could be given to (as if published;
    none outside its active window): its tenure, product and value-tier conditions and the
    guards of its type, product by product (one count query). Per-customer limits (uses in
    the last year, a discount already running on this very call) are left out: they depend
    on the call."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    if not offer.is_open_at(now):
        return 0  # outside its window today
    contracts = Contract.objects.filter(
        status__in=[ContractStatus.ACTIVE, ContractStatus.SUSPENDED],
        start_date__lte=_months_back(today, offer.min_tenure_months),
    )
    if offer.max_tenure_months is not None:
        contracts = contracts.filter(
            start_date__gt=_months_back(today, offer.max_tenure_months + 1)
        )
    if offer.value_tiers:
        contracts = contracts.filter(customer__value_tier__in=offer.value_tiers)
    products = Product.objects.all()  # contracts on a product off sale still get offers
    if offer.product_categories:
        products = products.filter(category__in=offer.product_categories)
    per_product = Q()
    for product in products.prefetch_related("alternatives"):
        rule = _kind_rule(offer, product, today)
        if rule is not None:
            per_product |= Q(product_id=product.pk) & rule
    if not per_product:
        return 0
    return contracts.filter(per_product).count()


def _kind_rule(offer: Offer, product: Product, today: date) -> Q | None:
    """The type's guard for contracts of `product` as a filter; None: none qualify."""
    kind = offer.kind
    if kind == OfferKind.FEE_ADJUSTMENT:
        if not product.fee_adjustable:
            return None
        interval = timedelta(days=settings.RETENTION_FEE_ADJUSTMENT_INTERVAL_DAYS)
        return (
            Q(start_date__lte=_months_back(today, product.fee_adjustment_min_tenure_months))
            & Q(monthly_fee__gte=offer.value + product.fee_floor)
            & (Q(fee_adjusted_on__isnull=True) | Q(fee_adjusted_on__lte=today - interval))
        )
    if kind == OfferKind.DISCOUNT_PERCENT:
        return Q(discount_until__isnull=True) | Q(discount_until__lte=today)
    if kind == OfferKind.PRODUCT_CHANGE:
        target = offer.target_product
        cheaper = [target] if target else [p for p in product.alternatives.all() if p.is_active]
        fees = [p.monthly_fee for p in cheaper if p and p.is_active and p.pk != product.pk]
        return Q(monthly_fee__gt=min(fees)) if fees else None
    if kind == OfferKind.CONTRACT_CHANGE:
        if offer.new_term_months is None:
            return Q() if product.relocatable else None
        if not product.term_extendable:
            return None
        return Q(start_date__gt=_months_back(today, offer.new_term_months))
    if kind == OfferKind.PAUSE:
        if offer.value > product.max_pause_months:
            return None
        return Q(paused_until__isnull=True) | Q(paused_until__lte=today)
    return Q()
