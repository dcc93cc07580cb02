"""The claims tab: claims by root cause, their totals, and the time per step."""

from django.db.models import Avg, Count, F, Q, Sum
from django.utils.translation import gettext_lazy

from claims.choices import RootCause
from reporting.analytics.common import rate
from reporting.analytics.filters import Filters

CLAIM_STEPS = [
    ("seconds_apology", gettext_lazy("1 Apology")),
    ("seconds_listening", gettext_lazy("2 Listening")),
    ("seconds_cause", gettext_lazy("3 Cause")),
    ("seconds_countermeasure", gettext_lazy("4 Countermeasure")),
    ("seconds_escalated", gettext_lazy("4 Waiting for the team lead")),
    ("seconds_present", gettext_lazy("5 Present the method")),
    ("seconds_execute", gettext_lazy("6 Execute")),
    ("seconds_recover", gettext_lazy("7 Recover and thank")),
    ("seconds_total", gettext_lazy("Whole claim")),
]

_CLAIM_COUNTS = {
    "n": Count("pk"),
    "escalated": Count("pk", filter=Q(escalated=True)),
    "with_deadline": Count("pk", filter=Q(had_deadline=True)),
    "deadline_met": Count("pk", filter=Q(deadline_met=True)),
    "compensation": Sum("compensation"),
    "cancelled": Count("pk", filter=Q(led_to_cancellation=True)),
}


def _claim_rates(row: dict) -> dict:
    return {
        **row,
        "compensation": row["compensation"] or 0,
        "escalation_rate": rate(row["escalated"], row["n"]),
        "deadline_rate": rate(row["deadline_met"], row["with_deadline"]),
        "cancel_rate": rate(row["cancelled"], row["n"]),
    }


def claims_by_cause(filters: Filters) -> list[dict]:
    rows = filters.claims().values(key=F("root_cause")).annotate(**_CLAIM_COUNTS)
    result = [
        _claim_rates({**r, "label": str(RootCause(r["key"]).label) if r["key"] else "-"})
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r["n"], r["key"]))


def claims_summary(filters: Filters) -> dict:
    return _claim_rates(filters.claims().aggregate(**_CLAIM_COUNTS))


def claim_step_times(filters: Filters) -> list[dict]:
    """Average time per step (only claims that went through the step count for it)."""
    averages = filters.claims().aggregate(**{key: Avg(key) for key, _label in CLAIM_STEPS})
    return [
        {"key": key, "label": str(label), "seconds": averages[key]} for key, label in CLAIM_STEPS
    ]
