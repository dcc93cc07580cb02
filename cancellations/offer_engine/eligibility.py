"""The rules: may this offer be made on this request, and if not, every reason why not.

Pure: the offer and the facts about the request (`OfferContext`) are passed in, nothing is
read from the database.
"""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from cancellations.offer_engine.types import OfferContext
from catalog.choices import OfferKind
from catalog.models import Offer
from core.dates import months_between
from customers.choices import ContractStatus
from customers.models import Product


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


def offer_why_not(offer: Offer, ctx: OfferContext, reason_ids: set[int]) -> list[str]:
    """Every reason the offer may not be made on this request (none: it is eligible)."""
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
        target = product_change_target(offer, ctx)
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


def product_change_target(offer: Offer, ctx: OfferContext) -> Product | None:
    """The product a product change would move this contract to (None: there is none)."""
    target = offer.target_product or ctx.cheapest_alternative
    if target is None or not target.is_active or target.pk == ctx.product.pk:
        return None
    if target.monthly_fee >= ctx.contract.monthly_fee:
        return None
    return target
