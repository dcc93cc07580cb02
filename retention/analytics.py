"""Analytics for the supervisor dashboards: first section, the save rate.

Save rate = retained ÷ (retained + cancelled), over requests closed in the period. Each
breakdown is one aggregate query on indexed columns; every figure a chart shows is also a
table and a CSV (see `csv_rows`).
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from retention.choices import ProductCategory, ReasonCategory, RequestState, ValueTier
from retention.models import CancellationRequest, OfferPresentation

DIMENSIONS = {
    "week": gettext_lazy("Week"),
    "category": gettext_lazy("Reason category"),
    "reason": gettext_lazy("Reason"),
    "product": gettext_lazy("Product"),
    "agent": gettext_lazy("Agent"),
}
_FIELDS = {
    "category": "reason__category",
    "reason": "reason__code",
    "product": "contract__product__code",
    "agent": "agent__username",
}


@dataclass
class Filters:
    date_from: date
    date_to: date
    product_category: str = ""
    reason_category: str = ""
    value_tier: str = ""
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params) -> "Filters":
        """Read the filters from a query string; bad values are reported and ignored."""
        today = timezone.localdate()
        errors = []
        date_from = _date(params.get("from"), today - timedelta(days=90), errors)
        date_to = _date(params.get("to"), today, errors)
        if date_to < date_from:
            errors.append(_("The period ends before it starts; showing the last 90 days."))
            date_from, date_to = today - timedelta(days=90), today
        choices = {
            "product_category": ProductCategory.values,
            "reason_category": ReasonCategory.values,
            "value_tier": ValueTier.values,
        }
        picked = {}
        for name, allowed in choices.items():
            value = params.get(name, "")
            if value and value not in allowed:
                errors.append(_("Unknown filter value ignored: %(value)s") % {"value": value})
                value = ""
            picked[name] = value
        return cls(date_from=date_from, date_to=date_to, errors=errors, **picked)

    def closed_requests(self):
        start = timezone.make_aware(datetime.combine(self.date_from, time.min))
        end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
        requests = CancellationRequest.objects.filter(
            state__in=[RequestState.RETAINED, RequestState.CANCELLED],
            closed_at__gte=start,
            closed_at__lt=end,
        )
        if self.product_category:
            requests = requests.filter(contract__product__category=self.product_category)
        if self.reason_category:
            requests = requests.filter(reason__category=self.reason_category)
        if self.value_tier:
            requests = requests.filter(customer__value_tier=self.value_tier)
        return requests


def _date(raw, default: date, errors: list[str]) -> date:
    if not raw:
        return default
    try:
        parsed = parse_date(raw)
    except ValueError:
        parsed = None
    if parsed is None:
        errors.append(_("Not a date: %(value)s") % {"value": raw})
        return default
    return parsed


_COUNTS = {
    "retained": Count("pk", filter=Q(state=RequestState.RETAINED)),
    "cancelled": Count("pk", filter=Q(state=RequestState.CANCELLED)),
}


def _with_rate(rows: Iterable[dict]) -> list[dict]:
    result = []
    for row in rows:
        decided = row["retained"] + row["cancelled"]
        result.append({**row, "rate": row["retained"] / decided if decided else None})
    return result


def save_rate_total(filters: Filters) -> dict:
    return _with_rate([filters.closed_requests().aggregate(**_COUNTS)])[0]


def save_rate_by(filters: Filters, dimension: str) -> list[dict]:
    """[{"key": ..., "retained": n, "cancelled": n, "rate": 0..1}] for one breakdown."""
    requests = filters.closed_requests()
    if dimension == "week":
        rows = (
            requests.annotate(key=TruncWeek("closed_at"))
            .values("key")
            .annotate(**_COUNTS)
            .order_by("key")
        )
        return _with_rate(
            {**row, "key": timezone.localtime(row["key"]).date().isoformat()} for row in rows
        )
    rows = requests.values(key=F(_FIELDS[dimension])).annotate(**_COUNTS).order_by("key")
    return _with_rate(rows)


def offer_acceptance(filters: Filters) -> list[dict]:
    """Per offer: how often it was put to a customer and how often it saved them."""
    start = timezone.make_aware(datetime.combine(filters.date_from, time.min))
    end = timezone.make_aware(datetime.combine(filters.date_to + timedelta(days=1), time.min))
    rows = (
        OfferPresentation.objects.filter(presented_at__gte=start, presented_at__lt=end)
        .values(key=F("code"))
        .annotate(
            presented=Count("pk"),
            accepted=Count("pk", filter=Q(answer="accepted")),
            cost=Sum("cost", filter=Q(answer="accepted")),
        )
        .order_by("key")
    )
    return [
        {**row, "rate": row["accepted"] / row["presented"] if row["presented"] else None}
        for row in rows
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A cell a spreadsheet will show, never run: text that starts like a formula gets a
    leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV lines one at a time, for a StreamingHttpResponse: never the whole file in memory."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([_cell(h) for h in header])  # BOM: Excel reads UTF-8
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


# ---- why they leave ------------------------------------------------------------------------


def _cancelled(filters: Filters):
    return filters.closed_requests().filter(state=RequestState.CANCELLED)


def reason_pareto(filters: Filters) -> list[dict]:
    """Cancellations per reason, most first, with the cumulative share (the Pareto view) and
    the monthly revenue the company lost with them (to prioritise what to fix)."""
    rows = list(
        _cancelled(filters)
        .values(key=F("reason__code"), category=F("reason__category"))
        .annotate(n=Count("pk"), monthly_revenue=Sum("contract__monthly_fee"))
        .order_by("-n", "key")
    )
    total = sum(row["n"] for row in rows)
    running = 0
    for row in rows:
        running += row["n"]
        row["share"] = row["n"] / total if total else None
        row["cumulative"] = running / total if total else None
    return rows


def competitor_breakdown(filters: Filters) -> list[dict]:
    """Who customers leave for, and how often (competitor branch, cancelled)."""
    return list(
        _cancelled(filters)
        .exclude(competitor_name="")
        .values(key=F("competitor_name"))
        .annotate(n=Count("pk"))
        .order_by("-n", "key")[:50]
    )


def reason_spikes(
    filters: Filters, *, weeks: int = 4, factor: float = 2.0, min_points: float = 0.05
) -> list[dict]:
    """Reasons whose share of this week's cancellations jumped well above their average share
    over the previous `weeks` weeks: more than `factor` times it and at least `min_points`
    higher. One grouped query."""
    end = filters.date_to
    this_week_start = end - timedelta(days=6)
    window_start = this_week_start - timedelta(days=7 * weeks)
    window = Filters(
        date_from=window_start,
        date_to=end,
        product_category=filters.product_category,
        reason_category=filters.reason_category,
        value_tier=filters.value_tier,
    )
    this_week_from = timezone.make_aware(datetime.combine(this_week_start, time.min))
    rows = (
        _cancelled(window)
        .values(key=F("reason__code"))
        .annotate(
            now=Count("pk", filter=Q(closed_at__gte=this_week_from)),
            before=Count("pk", filter=Q(closed_at__lt=this_week_from)),
        )
    )
    rows = list(rows)
    now_total = sum(r["now"] for r in rows)
    before_total = sum(r["before"] for r in rows)
    spikes = []
    for row in rows:
        share_now = row["now"] / now_total if now_total else 0.0
        share_before = row["before"] / before_total if before_total else 0.0
        if share_now >= min_points + share_before and share_now > factor * share_before:
            spikes.append({**row, "share_now": share_now, "share_before": share_before})
    return sorted(spikes, key=lambda r: -r["share_now"])
