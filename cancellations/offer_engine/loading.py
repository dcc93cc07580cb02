"""What the engine needs about one request, read in a fixed number of queries whatever the
size of the catalog or the history, and the offers evaluated for it: the ranked offers of a
call, one offer about to be presented, a draft's place among the live offers."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cancellations.choices import PresentationAnswer
from cancellations.models import BRANCHES, CancellationRequest, OfferPresentation
from cancellations.offer_engine.ab import ab_split
from cancellations.offer_engine.ranking import (
    offer_answers_for_reason,
    offer_evaluate,
    offers_ranked,
)
from cancellations.offer_engine.types import OfferContext, OfferEvaluation
from catalog.live import LiveCatalog, catalog_live
from catalog.models import Offer


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


def _catalog():
    return Offer.objects.select_related("target_product").prefetch_related("reasons")


def offers_for_request(
    *,
    request: CancellationRequest,
    include_ineligible: bool = False,
    now: datetime | None = None,
    presented_ids=None,
    catalog: LiveCatalog | None = None,
) -> list[OfferEvaluation]:
    """Eligible offers for the request, best first (the published ones, from the live
    catalog). With `include_ineligible`, every offer in the catalog is evaluated (read from
    the database: drafts and retired ones too) and the ineligible follow, each saying why.
    Only branch states get offers."""
    in_branch = request.state in BRANCHES
    if not in_branch and not include_ineligible:
        return []
    ctx = offer_context_load(request=request, now=now, presented_ids=presented_ids)
    if include_ineligible:
        offers = list(_catalog())
    else:
        offers = (catalog or catalog_live()).offers_for(ctx.reason_category)
    split = ab_split(offers, request.pk, ctx.now)
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
    eligible = offers_ranked([e for e in evaluations if e.eligible])
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
    ranked = offers_ranked(
        [e for e in evaluations if e.eligible] + ([mine] if mine.eligible else [])
    )
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
    why = ab_split(arms, request.pk, ctx.now).get(offer.pk)
    if why:
        evaluation.eligible = False
        evaluation.why_not.append(why)
    return evaluation
