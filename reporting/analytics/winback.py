"""The win-back tab: departed → targeted → reached → won back, and intensive-care
retention."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting.analytics.common import rate
from reporting.analytics.filters import Filters
from winback.choices import WinBackOutcome, WinBackTier

RECOVERY_REFERENCE = 0.30  # seed 001: ~30% of departed customers recovered

_TARGETED = Q(tier__in=[WinBackTier.TOP, WinBackTier.MIDDLE])
_REACHED = Q(outcome__in=[WinBackOutcome.WON_BACK, WinBackOutcome.DECLINED])
_WON = Q(outcome=WinBackOutcome.WON_BACK)


def win_back_funnel(filters: Filters, period: str = "month") -> list[dict]:
    """Departed per month (or quarter) → targeted → reached → won back, with the recovery
    rate and the fees of the new contracts."""
    trunc = TruncMonth if period == "month" else TruncQuarter
    rows = (
        filters.departed()
        .annotate(key=trunc("departed_on"))
        .values("key")
        .annotate(
            departed=Count("pk"),
            targeted=Count("pk", filter=_TARGETED),
            reached=Count("pk", filter=_REACHED),
            won=Count("pk", filter=_WON),
            recovered=Sum(
                F("new_contract__monthly_fee") * F("new_contract__term_months"), filter=_WON
            ),
        )
        .order_by("key")
    )
    result = []
    for row in rows:
        key = row["key"]
        if period == "month":
            label = key.strftime("%Y-%m")
        else:
            label = _("%(year)d Q%(quarter)d") % {
                "year": key.year,
                "quarter": (key.month - 1) // 3 + 1,
            }
        result.append(
            {
                **row,
                "key": key.isoformat(),
                "label": label,
                "recovery_rate": rate(row["won"], row["targeted"]),
                "recovered": row["recovered"] or 0,
            }
        )
    return result


def win_back_summary(filters: Filters, *, today: date | None = None) -> dict:
    """The funnel's totals, and intensive-care retention of customers back ≥ 6 months."""
    today = today or timezone.localdate()
    cases = filters.departed()
    six_months_ago = timezone.make_aware(datetime.combine(today - timedelta(days=182), time.min))
    care = Q(_WON, closed_at__lte=six_months_ago)
    totals = cases.aggregate(
        departed=Count("pk"),
        targeted=Count("pk", filter=_TARGETED),
        reached=Count("pk", filter=_REACHED),
        won=Count("pk", filter=_WON),
        recovered=Sum(F("new_contract__monthly_fee") * F("new_contract__term_months"), filter=_WON),
        care=Count("pk", filter=care),
        care_kept=Count("pk", filter=care & ~Q(new_contract__status="cancelled")),
    )
    return {
        **totals,
        "recovered": totals["recovered"] or 0,
        "recovery_rate": rate(totals["won"], totals["targeted"]),
        "reference": RECOVERY_REFERENCE,
        "care_rate": rate(totals["care_kept"], totals["care"]),
    }
