"""The offer engine: which offers this request may get, what each is worth, in which order.

`offer_evaluate` is pure (everything it needs is passed in) so it can be tested directly and
explains every refusal. `offers_for_request` loads what the evaluation needs in a fixed
number of queries, whatever the size of the catalog or the history.

Money, in whole KRW over the contract's remaining term (the horizon, at least one month):
- cost = revenue given up by the offer + its fixed cost to the company;
- net value = the fees kept if the customer stays, minus the cost.
Offers are ranked by net value, then by how often they saved customers with the same
sub-reason (accepted / answered), best first.
"""

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cancellations.choices import PresentationAnswer
from cancellations.models import BRANCHES, CancellationRequest, OfferPresentation
from catalog.choices import OfferKind
from catalog.models import Offer
from core.dates import add_months, months_between
from customers.choices import ContractStatus
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


def _fee_adjustment_blockers(ctx: OfferContext, amount: int) -> list[str]:
    """The financial branch's guard: may this contract's fee be lowered by `amount`?"""
    product, contract = ctx.product, ctx.contract
    why = []
    if not product.fee_adjustable:
        why.append(_("This product's fee cannot be adjusted."))
    tenure = months_between(contract.start_date, ctx.today)
    if tenure < product.fee_adjustment_min_tenure_months:
        why.append(
            _("A fee adjustment needs %(months)d months of use (now %(tenure)d).")
            % {"months": product.fee_adjustment_min_tenure_months, "tenure": tenure}
        )
    interval = timedelta(days=settings.RETENTION_FEE_ADJUSTMENT_INTERVAL_DAYS)
    if contract.fee_adjusted_on and contract.fee_adjusted_on > ctx.today - interval:
        why.append(_("The fee was already adjusted in the last 12 months."))
    if contract.monthly_fee - amount < product.fee_floor:
        why.append(_("No lower fee exists: the fee would fall below the product's floor."))
    return why


def fee_adjustment_allowed(ctx: OfferContext, amount: int = 1) -> bool:
    return not _fee_adjustment_blockers(ctx, amount)


def _eligibility(offer: Offer, ctx: OfferContext, reason_ids: set[int]) -> list[str]:
    why = []
    contract, product = ctx.contract, ctx.product
    if not offer.is_active:
        why.append(_("The offer is retired."))
    if offer.is_draft:
        why.append(_("The offer is a draft: not published yet."))
    if offer.active_from and ctx.now < offer.active_from:
        why.append(_("The offer is not active yet."))
    if offer.active_until and ctx.now >= offer.active_until:
        why.append(_("The offer has expired."))
    if ctx.reason_category is None or ctx.reason_category not in offer.reason_categories:
        why.append(_("It does not answer this reason category."))
    elif reason_ids and ctx.reason_id not in reason_ids:
        why.append(_("It answers other sub-reasons only."))
    tenure = months_between(contract.start_date, ctx.today)
    if tenure < offer.min_tenure_months:
        why.append(
            _("It needs %(months)d months of tenure (now %(tenure)d).")
            % {"months": offer.min_tenure_months, "tenure": tenure}
        )
    if offer.max_tenure_months is not None and tenure > offer.max_tenure_months:
        why.append(
            _("It is for customers with at most %(months)d months of tenure.")
            % {"months": offer.max_tenure_months}
        )
    if offer.product_categories and product.category not in offer.product_categories:
        why.append(_("It is not for this product category."))
    if offer.value_tiers and ctx.value_tier not in offer.value_tiers:
        why.append(_("It is not for this customer's value tier."))
    used = ctx.uses_last_year.get(offer.pk, 0)
    if offer.max_uses_per_year is not None and used >= offer.max_uses_per_year:
        why.append(
            _("The customer already had it %(count)d time(s) in the last 12 months.")
            % {"count": used}
        )
    if offer.pk in ctx.presented_in_request:
        why.append(_("It was already presented in this call."))
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.SUSPENDED):
        why.append(_("The contract is no longer active."))
    why.extend(_kind_blockers(offer, ctx))
    return why


def _kind_blockers(offer: Offer, ctx: OfferContext) -> list[str]:
    contract, product = ctx.contract, ctx.product
    if offer.kind == OfferKind.FEE_ADJUSTMENT:
        return _fee_adjustment_blockers(ctx, offer.value)
    discount_running = contract.discount_until and contract.discount_until > ctx.today
    if offer.kind == OfferKind.DISCOUNT_PERCENT and discount_running:
        return [_("The contract already has a discount running.")]
    if offer.kind == OfferKind.PRODUCT_CHANGE:
        target = _product_change_target(offer, ctx)
        if target is None:
            return [_("No lower-priced product exists for this product.")]
    if offer.kind == OfferKind.CONTRACT_CHANGE:
        if offer.new_term_months is not None:
            if not product.term_extendable:
                return [_("This product's term cannot be changed.")]
            if offer.new_term_months <= months_between(contract.start_date, ctx.today):
                return [_("The new term would already be over.")]
        elif not product.relocatable:
            return [_("This product cannot be relocated.")]
    if offer.kind == OfferKind.PAUSE:
        if offer.value > product.max_pause_months:
            return [
                _("This product can be paused for at most %(months)d months.")
                % {"months": product.max_pause_months}
            ]
        if contract.paused_until and contract.paused_until > ctx.today:
            return [_("The contract is already paused.")]
    return []


def _product_change_target(offer: Offer, ctx: OfferContext) -> Product | None:
    target = offer.target_product or ctx.cheapest_alternative
    if target is None or not target.is_active or target.pk == ctx.product.pk:
        return None
    if target.monthly_fee >= ctx.contract.monthly_fee:
        return None
    return target


def offer_evaluate(*, offer: Offer, ctx: OfferContext, reason_ids: set[int]) -> OfferEvaluation:
    """Eligibility (with every reason it fails), cost, net value and approval need."""
    contract = ctx.contract
    fee = contract.monthly_fee
    used = months_between(contract.start_date, ctx.today)
    horizon = max(contract.term_months - used, 1)
    fee_after, forgone, kept_months, terms = fee, 0, horizon, {}
    if offer.kind == OfferKind.DISCOUNT_PERCENT:
        months = min(offer.duration_months or horizon, horizon)
        monthly_off = fee * offer.value // 100
        fee_after, forgone = fee - monthly_off, monthly_off * months
        terms = {"discount_percent": offer.value, "months": months}
    elif offer.kind == OfferKind.FEE_ADJUSTMENT:
        fee_after = max(fee - offer.value, 0)
        forgone = (fee - fee_after) * horizon
        terms = {"new_monthly_fee": fee_after}
    elif offer.kind == OfferKind.FREE_MONTHS:
        free = min(offer.value, horizon)
        forgone = fee * free
        terms = {"free_months": free}
    elif offer.kind == OfferKind.PRODUCT_CHANGE:
        target = _product_change_target(offer, ctx)
        if target is not None:
            fee_after = target.monthly_fee
            forgone = (fee - fee_after) * horizon
            terms = {"new_product_id": target.pk, "new_product_code": target.code}
    elif offer.kind == OfferKind.CONTRACT_CHANGE:
        if offer.new_term_months is not None:
            kept_months = max(offer.new_term_months - used, 1)
            terms = {"new_term_months": offer.new_term_months}
        else:
            terms = {"relocation": True}
    elif offer.kind == OfferKind.PAUSE:
        terms = {"pause_months": offer.value}
    else:
        terms = {"benefit_value": offer.value}
    cost = forgone + offer.fixed_cost
    why_not = _eligibility(offer, ctx, reason_ids)
    return OfferEvaluation(
        offer=offer,
        eligible=not why_not,
        why_not=why_not,
        monthly_fee_before=fee,
        monthly_fee_after=fee_after,
        cost=cost,
        retained_revenue=fee * kept_months - forgone,
        net_value=fee * kept_months - cost,
        needs_approval=offer.agent_limit is not None and cost > offer.agent_limit,
        acceptance_rate=ctx.acceptance.get(offer.pk),
        terms=terms,
    )


def offer_answers_for_reason(reason_id: int):
    """(offer id, accepted, answered) over every answer given to customers with this
    sub-reason: read from presentation_stats_idx alone (an index-only scan), so a history of
    millions of presentations costs the live call milliseconds. No default ordering (it
    would join the requests), and counts of a column the index holds."""
    return (
        OfferPresentation.objects.filter(
            reason_id=reason_id,
            answer__in=[PresentationAnswer.ACCEPTED, PresentationAnswer.DECLINED],
        )
        .order_by()
        .values_list("offer_id")
        .annotate(
            accepted=Count("offer_id", filter=Q(answer=PresentationAnswer.ACCEPTED)),
            answered=Count("offer_id"),
        )
    )


def offer_context_load(
    *, request: CancellationRequest, now: datetime | None = None, presented_ids=None
):
    """Everything the engine needs about one request (3 or 4 queries; pass the offers
    already presented when the caller has them loaded)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    contract = request.contract
    product = contract.product
    cheapest = product.alternatives.filter(is_active=True).order_by("monthly_fee").first()
    year_ago = now - timedelta(days=365)
    uses = dict(
        OfferPresentation.objects.filter(
            request__customer_id=request.customer_id,
            answer=PresentationAnswer.ACCEPTED,
            answered_at__gte=year_ago,
        )
        .values_list("offer_id")
        .annotate(n=Count("pk"))
    )
    presented = (
        set(presented_ids)
        if presented_ids is not None
        else set(request.presentations.values_list("offer_id", flat=True))
    )
    acceptance = {}
    if request.reason_id is not None:
        for offer_id, accepted, answered in offer_answers_for_reason(request.reason_id):
            acceptance[offer_id] = accepted / answered
    return OfferContext(
        contract=contract,
        product=product,
        value_tier=request.customer.value_tier,
        reason_id=request.reason_id,
        reason_category=request.reason.category if request.reason_id else None,
        today=today,
        now=now,
        cheapest_alternative=cheapest,
        uses_last_year=uses,
        presented_in_request=presented,
        acceptance=acceptance,
    )


def _ranked(evaluations: list[OfferEvaluation]) -> list[OfferEvaluation]:
    return sorted(
        evaluations,
        key=lambda e: (-e.net_value, -(e.acceptance_rate or 0.0), e.offer.code),
    )


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


def _ab_split(offers: list[Offer], request_id: int, now: datetime) -> dict[int, str]:
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


def _catalog():
    return Offer.objects.select_related("target_product").prefetch_related("reasons")


def offers_for_request(
    *,
    request: CancellationRequest,
    include_ineligible: bool = False,
    now: datetime | None = None,
    presented_ids=None,
) -> list[OfferEvaluation]:
    """Eligible offers for the request, best first (with `include_ineligible`, the rest
    follow, each saying why it is not eligible). Only branch states get offers."""
    in_branch = request.state in BRANCHES
    if not in_branch and not include_ineligible:
        return []
    ctx = offer_context_load(request=request, now=now, presented_ids=presented_ids)
    catalog = _catalog()
    if not include_ineligible:
        catalog = catalog.filter(
            is_active=True, is_draft=False, reason_categories__contains=[ctx.reason_category or "-"]
        )
    offers = list(catalog)
    split = _ab_split(offers, request.pk, ctx.now)
    evaluations = [
        offer_evaluate(offer=offer, ctx=ctx, reason_ids={r.pk for r in offer.reasons.all()})
        for offer in offers
    ]
    for evaluation in evaluations:
        if evaluation.offer.pk in split:
            evaluation.eligible = False
            evaluation.why_not.append(split[evaluation.offer.pk])
    if not in_branch:
        for evaluation in evaluations:
            evaluation.eligible = False
            evaluation.why_not.append(_("Offers are made in a branch, once the reason is known."))
    eligible = _ranked([e for e in evaluations if e.eligible])
    if not include_ineligible:
        return eligible
    rest = sorted((e for e in evaluations if not e.eligible), key=lambda e: e.offer.code)
    return eligible + rest


def offer_rank_preview(
    *, request: CancellationRequest, draft: Offer, reason_ids: set[int], now=None
) -> tuple[list[OfferEvaluation], OfferEvaluation]:
    """Where `draft` (an unsaved or edited offer) would rank among the live offers for this
    request, as if the call were in its branch now with nothing presented yet. A/B splits
    are ignored: every arm is shown."""
    ctx = offer_context_load(request=request, now=now, presented_ids=[])
    live = _catalog().filter(
        is_active=True, is_draft=False, reason_categories__contains=[ctx.reason_category or "-"]
    )
    if draft.pk:
        live = live.exclude(pk=draft.pk)
    evaluations = [
        offer_evaluate(offer=offer, ctx=ctx, reason_ids={r.pk for r in offer.reasons.all()})
        for offer in live
    ]
    mine = offer_evaluate(offer=draft, ctx=ctx, reason_ids=reason_ids)
    mine.why_not = [w for w in mine.why_not if w != _("The offer is a draft: not published yet.")]
    mine.eligible = not mine.why_not
    ranked = _ranked([e for e in evaluations if e.eligible] + ([mine] if mine.eligible else []))
    return ranked, mine


def offer_evaluate_for_request(
    *, request: CancellationRequest, offer: Offer, now: datetime | None = None
) -> OfferEvaluation:
    ctx = offer_context_load(request=request, now=now)
    evaluation = offer_evaluate(
        offer=offer, ctx=ctx, reason_ids=set(offer.reasons.values_list("pk", flat=True))
    )
    original_id = offer.variant_of_id or offer.pk
    arms = list(Offer.objects.filter(Q(pk=original_id) | Q(variant_of_id=original_id)))
    # The same draw as offers_for_request.
    why = _ab_split(arms, request.pk, ctx.now).get(offer.pk)
    if why:
        evaluation.eligible = False
        evaluation.why_not.append(why)
    return evaluation


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
