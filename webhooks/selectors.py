"""Reads for the webhook screens: a fixed number of queries whatever the number of
endpoints, deliveries or attempts."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, DeliveryAttempt, Endpoint, EndpointSecret

LOG_PAGE = 50


def _count(deliveries: QuerySet) -> Coalesce:
    counted = deliveries.order_by().values("endpoint").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def endpoints_overview() -> QuerySet:
    """Every endpoint with its last delivery, the deliveries failed for good and those
    being retried (each an indexed subquery, not a scan of the log)."""
    mine = Delivery.objects.filter(endpoint=OuterRef("pk"))
    last = (
        mine.filter(status=DeliveryStatus.DELIVERED)
        .order_by("-delivered_at")
        .values("delivered_at")[:1]
    )
    return Endpoint.objects.annotate(
        last_delivered_at=Subquery(last),
        failed=_count(mine.filter(status=DeliveryStatus.FAILED)),
        retrying=_count(mine.filter(status=DeliveryStatus.PENDING, attempts__gt=0)),
    ).order_by("-is_active", "name", "pk")


def endpoint_get(*, pk) -> Endpoint:
    """The endpoint with its secrets, newest first (404 if there is none)."""
    endpoint = (
        Endpoint.objects.prefetch_related(
            Prefetch("secrets", queryset=EndpointSecret.objects.order_by("-created_at", "-pk"))
        )
        .filter(pk=pk)
        .first()
    )
    if endpoint is None:
        raise Http404
    return endpoint


def delivery_log(*, endpoint: Endpoint, before: int | None = None, size: int = LOG_PAGE):
    """One page of the endpoint's deliveries, newest first, each with its attempts (newest
    first), and the cursor of the next (older) page or None."""
    deliveries = (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .defer("event__payload")
        .prefetch_related(
            Prefetch("attempts_made", queryset=DeliveryAttempt.objects.order_by("-at", "-pk"))
        )
        .order_by("-pk")
    )
    if before is not None:
        deliveries = deliveries.filter(pk__lt=before)
    rows = list(deliveries[: size + 1])
    older = rows[size - 1].pk if len(rows) > size else None
    return rows[:size], older
