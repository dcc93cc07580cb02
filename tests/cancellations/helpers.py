"""Shared by the cancellation tests: a request read back (its state, its audit trail, as a
view loads it), offers built and evaluated by the offer engine, and the answer tally read
and recounted."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cancellations.choices import PresentationAnswer
from cancellations.models import CancellationRequest, OfferAnswerTally, OfferPresentation
from cancellations.offer_engine.loading import offer_evaluate_for_request
from catalog.choices import OfferKind, ReasonCategory
from core.models import AuditEntry
from tests.factories import OfferFactory


def request_state(request) -> str:
    return CancellationRequest.objects.get(pk=request.pk).state


def audit_trail(request) -> list[tuple[str, str, str]]:
    return list(
        AuditEntry.objects.filter(subject_id=request.pk)
        .order_by("pk")
        .values_list("action", "source", "target")
    )


def evaluate(request, offer, **kwargs):
    return offer_evaluate_for_request(request=request, offer=offer, **kwargs)


def assert_eligible(evaluation):
    assert evaluation.why_not == []
    assert evaluation.eligible is True


def assert_refused(evaluation, *why):
    assert evaluation.why_not == list(why)
    assert evaluation.eligible is False


def request_as_loaded(request) -> CancellationRequest:
    """The request as a view loads it (the services' lock uses the same select_related)."""
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)


def presentation_row(*, request, offer, answer, reason=None, answered_at=None):
    """A past presentation row, built directly (as the services store it)."""
    return OfferPresentation.objects.create(
        request=request,
        offer=offer,
        reason=reason,
        position=request.presentations.count() + 1,
        code=offer.code,
        name_ko=offer.name_ko,
        name_en=offer.name_en,
        script_ko=offer.script_ko,
        script_en=offer.script_en,
        kind=offer.kind,
        value=offer.value,
        monthly_fee_before=FEE,
        monthly_fee_after=FEE,
        cost=offer.fixed_cost,
        net_value=0,
        answer=answer,
        presented_by=request.agent,
        answered_at=answered_at or timezone.now(),
    )


def offer_of_kind(kind, **kwargs):
    kwargs.setdefault("fixed_cost", 0)
    kwargs.setdefault("agent_limit", None)
    return OfferFactory(kind=kind, **kwargs)


def contract_change_offer(**kwargs):
    return offer_of_kind(
        OfferKind.CONTRACT_CHANGE, reason_categories=[ReasonCategory.CONTRACT_CHANGE], **kwargs
    )


FEE = 30_000


HORIZON = 40


KEPT = FEE * HORIZON  # 1,200,000


def request_rows(request) -> QuerySet:
    return CancellationRequest.objects.filter(pk=request.pk)


def request_fresh(request) -> CancellationRequest:
    return CancellationRequest.objects.get(pk=request.pk)


def request_audit(request) -> QuerySet:
    return AuditEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(CancellationRequest),
        subject_id=request.pk,
    ).order_by("pk")


def request_actions(request) -> list[str]:
    return list(request_audit(request).values_list("action", flat=True))


def request_history(request) -> QuerySet:
    return apps.get_model("cancellations", "CancellationRequestEvent").objects.filter(
        pgh_obj_id=request.pk
    )


def tally_recount() -> dict:
    """The tally as a recount of every presentation would give it."""
    rows = (
        OfferPresentation.objects.filter(
            reason__isnull=False,
            answer__in=[PresentationAnswer.ACCEPTED, PresentationAnswer.DECLINED],
        )
        .order_by()
        .values_list("reason_id", "offer_id")
        .annotate(
            accepted=Count("pk", filter=Q(answer=PresentationAnswer.ACCEPTED)),
            answered=Count("pk"),
        )
    )
    return {(reason, offer): (accepted, answered) for reason, offer, accepted, answered in rows}


def tally_read() -> dict:
    return {
        (row.reason_id, row.offer_id): (row.accepted, row.answered)
        for row in OfferAnswerTally.objects.filter(answered__gt=0)
    }
