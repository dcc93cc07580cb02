"""The save-quality tab: saved customers who left again, and the fees kept against what the
offers cost."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.analytics.common import rate
from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels


def _kept_months():
    """Months of fees a save kept: to the end of the term or the re-churn, capped."""
    horizon = settings.RETENTION_KEPT_HORIZON_MONTHS
    return Least(
        Case(
            When(rechurned_on__isnull=True, then=F("months_left")),
            default=Least(F("months_left"), F("rechurn_days") / Value(30)),
            output_field=IntegerField(),
        ),
        Value(horizon),
        output_field=IntegerField(),
    )


def rechurn(filters: Filters, *, today: date | None = None) -> list[dict]:
    """For 3, 6 and 12 months: saves old enough to tell, and how many left again within."""
    today = today or timezone.localdate()
    saves = filters.requests().filter(is_retained=True)
    aggregates = {}
    for months in (3, 6, 12):
        matured = Q(closed_on__lte=today - timedelta(days=months * 30))
        left = matured & Q(rechurn_days__lte=months * 30)
        aggregates[f"saves_{months}"] = Count("pk", filter=matured)
        aggregates[f"left_{months}"] = Count("pk", filter=left)
    totals = saves.aggregate(**aggregates)
    return [
        {
            "key": months,
            "label": _("%(months)d months") % {"months": months},
            "saves": totals[f"saves_{months}"],
            "left": totals[f"left_{months}"],
            "rate": rate(totals[f"left_{months}"], totals[f"saves_{months}"]),
        }
        for months in (3, 6, 12)
    ]


def save_value_by_offer(filters: Filters, labels: Labels | None = None) -> list[dict]:
    """Per offer that saved someone: saves, fees kept, cost, net; net ≤ 0 is flagged."""
    labels = labels or Labels()
    rows = (
        filters.requests()
        .filter(is_retained=True)
        .annotate(kept=_kept_months() * F("monthly_fee"))
        .values("offer_code")
        .annotate(
            saves=Count("pk"),
            rechurned=Count("pk", filter=Q(rechurned_on__isnull=False)),
            kept_fees=Sum("kept"),
            cost=Sum("offer_cost"),
        )
    )
    result = []
    for row in rows:
        kept, cost = row["kept_fees"] or 0, row["cost"] or 0
        result.append(
            {
                "key": row["offer_code"],
                "label": labels.offer(row["offer_code"]),
                "saves": row["saves"],
                "rechurn_rate": rate(row["rechurned"], row["saves"]),
                "kept": kept,
                "cost": cost,
                "net": kept - cost,
                "over_discounting": kept - cost <= 0,
            }
        )
    return sorted(result, key=lambda r: (r["net"], r["key"]))
