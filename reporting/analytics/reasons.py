"""The why-they-leave tab: cancellations by reason (Pareto), their weekly trend, who
customers leave for, and reasons whose share jumped."""

from datetime import timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncWeek

from reporting.analytics.common import rate
from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels


def reason_pareto(filters: Filters, labels: Labels | None = None) -> list[dict]:
    """Cancellations per reason, most first, with the cumulative share (the Pareto view) and
    the monthly fees the company lost with them (to prioritise what to fix)."""
    labels = labels or Labels()
    rows = list(
        filters.requests()
        .filter(is_retained=False)
        .values(key=F("reason_id"))
        .annotate(n=Count("pk"), monthly_revenue=Sum("monthly_fee"))
        .order_by("-n", "key")
    )
    total = sum(row["n"] for row in rows)
    running = 0
    for row in rows:
        running += row["n"]
        row["label"] = labels.reason(row["key"])
        row["share"] = rate(row["n"], total)
        row["cumulative"] = rate(running, total)
    return rows


def reason_trend(filters: Filters, labels: Labels | None = None, top: int = 5) -> dict:
    """Weekly cancellations of the `top` reasons (most cancellations in the period first):
    {"weeks": ["2025-06-02", ...], "series": [{"key", "label", "data"}]}. Every week of the
    period is there (weeks start on Monday), a week without cancellations as 0."""
    labels = labels or Labels()
    rows = (
        filters.requests()
        .filter(is_retained=False)
        .annotate(week=TruncWeek("closed_on"))
        .values("week", "reason_id")
        .annotate(n=Count("pk"))
    )
    counts: dict = {}
    for row in rows:
        counts.setdefault(row["reason_id"], {})[row["week"]] = row["n"]
    weeks = []
    week = filters.date_from - timedelta(days=filters.date_from.weekday())
    while week <= filters.date_to:
        weeks.append(week)
        week += timedelta(days=7)
    leaders = sorted(counts, key=lambda k: (-sum(counts[k].values()), k is None, k or 0))[:top]
    return {
        "weeks": [w.isoformat() for w in weeks],
        "series": [
            {
                "key": k,
                "label": labels.reason(k),
                "data": [counts[k].get(w, 0) for w in weeks],
            }
            for k in leaders
        ],
    }


def competitor_breakdown(filters: Filters, *, limit: int | None = None) -> list[dict]:
    """Who customers leave for, how often, and what they were offered most often; the most
    named first (the first `limit`). One row per competitor name, grouped by the database."""
    rows = (
        filters.requests()
        .filter(is_retained=False)
        .exclude(competitor_name="")
        .values("competitor_name", "competitor_offer")
        .annotate(n=Count("pk"))
    )
    by_name: dict[str, dict] = {}
    for row in rows:
        entry = by_name.setdefault(
            row["competitor_name"], {"key": row["competitor_name"], "n": 0, "offers": {}}
        )
        entry["n"] += row["n"]
        if row["competitor_offer"]:
            entry["offers"][row["competitor_offer"]] = row["n"]
    result = []
    for entry in by_name.values():
        common = sorted(entry.pop("offers").items(), key=lambda kv: -kv[1])[:3]
        result.append({**entry, "label": entry["key"], "offered": "; ".join(o for o, _n in common)})
    return sorted(result, key=lambda r: (-r["n"], r["key"]))[:limit]


def reason_spikes(
    filters: Filters,
    labels: Labels | None = None,
    *,
    weeks: int = 4,
    factor: float = 2.0,
    min_points: float = 0.05,
) -> list[dict]:
    """Reasons whose share of the last 7 days' cancellations jumped well above their average
    share over the `weeks` weeks before: more than `factor` times it and at least
    `min_points` higher. One grouped query."""
    labels = labels or Labels()
    this_week = filters.date_to - timedelta(days=6)
    window = filters.with_period(this_week - timedelta(days=7 * weeks), filters.date_to)
    rows = list(
        window.requests()
        .filter(is_retained=False)
        .values(key=F("reason_id"))
        .annotate(
            now=Count("pk", filter=Q(closed_on__gte=this_week)),
            before=Count("pk", filter=Q(closed_on__lt=this_week)),
        )
    )
    now_total = sum(r["now"] for r in rows)
    before_total = sum(r["before"] for r in rows)
    spikes = []
    for row in rows:
        share_now = row["now"] / now_total if now_total else 0.0
        share_before = row["before"] / before_total if before_total else 0.0
        if share_now >= min_points + share_before and share_now > factor * share_before:
            spikes.append(
                {
                    **row,
                    "label": labels.reason(row["key"]),
                    "share_now": share_now,
                    "share_before": share_before,
                }
            )
    return sorted(spikes, key=lambda r: -r["share_now"])
