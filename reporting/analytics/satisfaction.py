"""The satisfaction tab: survey results by touchpoint, and what customers wrote."""

from collections.abc import Iterable

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from calls.choices import SurveyTouchpoint
from reporting.analytics.common import rate
from reporting.analytics.filters import Filters

# ---- satisfaction --------------------------------------------------------------------------


def satisfaction_by_touchpoint(filters: Filters) -> list[dict]:
    rows = (
        filters.surveys()
        .values(key=F("touchpoint"))
        .annotate(
            answered=Count("pk"),
            score=Avg("csat"),
            happy=Count("pk", filter=Q(csat__gte=4)),
            would_return=Count("pk", filter=Q(would_return=True)),
        )
    )
    order = list(SurveyTouchpoint.values)
    result = [
        {
            **r,
            "label": str(SurveyTouchpoint(r["key"]).label),
            "happy_rate": rate(r["happy"], r["answered"]),
            "return_rate": rate(r["would_return"], r["answered"]),
        }
        for r in rows
    ]
    return sorted(result, key=lambda r: order.index(r["key"]))


def survey_comments(filters: Filters, *, limit: int | None = None) -> Iterable[dict]:
    """The comments, newest first (no customer names: they are not needed here): the first
    `limit` as a list, or all of them read in chunks (for the CSV: never all in memory)."""
    rows = (
        filters.surveys()
        .exclude(comment="")
        .order_by("-answered_at", "-pk")
        .values("touchpoint", "csat", "comment", "answered_at")
    )

    def shown(row: dict) -> dict:
        return {
            **row,
            "label": str(SurveyTouchpoint(row["touchpoint"]).label),
            "answered_on": timezone.localtime(row["answered_at"]).date().isoformat(),
        }

    if limit is not None:
        return [shown(r) for r in rows[:limit]]
    return (shown(r) for r in rows.iterator(chunk_size=2000))
