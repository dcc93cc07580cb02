"""Supervisor dashboards (first section: the save rate), each chart with its table and CSV."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from retention.analytics import (
    DIMENSIONS,
    Filters,
    competitor_breakdown,
    csv_rows,
    offer_acceptance,
    reason_pareto,
    reason_spikes,
    save_rate_by,
    save_rate_total,
)
from retention.choices import ProductCategory, ReasonCategory, ValueTier


def _require(request) -> None:
    if not request.user.has_perm("retention.view_dashboards"):
        raise PermissionDenied


@require_GET
def dashboards(request):
    _require(request)
    filters = Filters.from_query(request.GET)
    breakdowns = {name: save_rate_by(filters, name) for name in DIMENSIONS}
    context = {
        "filters": filters,
        "total": save_rate_total(filters),
        "breakdowns": [(name, DIMENSIONS[name], breakdowns[name]) for name in DIMENSIONS],
        "offers": offer_acceptance(filters),
        "pareto": reason_pareto(filters),
        "competitors": competitor_breakdown(filters),
        "spikes": reason_spikes(filters),
        "chart": {
            "weeks": [row["key"] for row in breakdowns["week"]],
            "week_rates": [
                round(row["rate"] * 100, 1) if row["rate"] is not None else None
                for row in breakdowns["week"]
            ],
            "reasons": [row["key"] or "-" for row in breakdowns["reason"]],
            "reason_rates": [
                round(row["rate"] * 100, 1) if row["rate"] is not None else None
                for row in breakdowns["reason"]
            ],
        },
        "product_categories": ProductCategory.choices,
        "reason_categories": ReasonCategory.choices,
        "value_tiers": ValueTier.choices,
        "query": request.GET.urlencode(),
    }
    return render(request, "retention/dashboards.html", context)


@require_GET
def save_rate_csv(request, dimension):
    _require(request)
    filters = Filters.from_query(request.GET)
    if dimension == "offer":
        rows = offer_acceptance(filters)
        header = [_("Offer"), _("Presented"), _("Accepted"), _("Acceptance rate"), _("Cost")]
        values = (
            (r["key"], r["presented"], r["accepted"], _rate(r["rate"]), r["cost"] or 0)
            for r in rows
        )
    elif dimension == "reasons-lost":
        header = [
            _("Reason"),
            _("Cancellations"),
            _("Share"),
            _("Cumulative"),
            _("Monthly fees lost"),
        ]
        values = (
            (r["key"], r["n"], _rate(r["share"]), _rate(r["cumulative"]), r["monthly_revenue"])
            for r in reason_pareto(filters)
        )
    elif dimension == "competitors":
        header = [_("Competitor"), _("Cancellations")]
        values = ((r["key"], r["n"]) for r in competitor_breakdown(filters))
    elif dimension in DIMENSIONS:
        rows = save_rate_by(filters, dimension)
        header = [str(DIMENSIONS[dimension]), _("Retained"), _("Cancelled"), _("Save rate")]
        values = ((r["key"], r["retained"], r["cancelled"], _rate(r["rate"])) for r in rows)
    else:
        raise Http404
    response = StreamingHttpResponse(csv_rows(header, values), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="save-rate-{dimension}.csv"'
    return response


def _rate(rate) -> str:
    return "" if rate is None else f"{rate:.4f}"
