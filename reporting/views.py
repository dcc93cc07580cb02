"""Supervisor dashboards: one tab per question, every chart drawn from a table that the page
shows and `/desk/dashboards/<table>.csv` streams. Figures come from the reporting facts
(`reporting.analytics`), refreshed by Celery beat every two minutes; a tab's data is kept in
the cache until the next refresh (`reporting.cache`), the page itself drawn on every view."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.csv import csv_rows
from desk.selectors import desk_agents
from reporting.analytics.claims import claims_summary
from reporting.analytics.export import REQUEST_EXPORT_HEADER, request_export_rows
from reporting.analytics.filters import Filters, filter_choices
from reporting.analytics.labels import Labels, branch_label
from reporting.analytics.reasons import reason_spikes
from reporting.analytics.save_rate import save_rate_total
from reporting.analytics.tables import (
    DEFAULT_DAYS,
    TAB_TABLES,
    TABLE_TABS,
    TABLES,
    TABS,
    UNAPPLIED_FILTERS,
)
from reporting.analytics.winback import win_back_summary
from reporting.cache import dashboard_data
from reporting.flow_picture import flow_blocks, flow_tree
from reporting.models import RequestFact


def _filters(request, tab: str) -> Filters:
    """The filters of the query string, the period defaulting to the tab's."""
    return Filters.from_query(request.GET, default_days=DEFAULT_DAYS.get(tab, 90))


def _require(request) -> None:
    if not request.user.has_perm("reporting.view_dashboards"):
        raise PermissionDenied


def _series(rows, key="rate", scale=100):
    return [None if r.get(key) is None else round(r[key] * scale, 1) for r in rows]


def _charts(tab: str, tables: dict, filters: Filters, labels: Labels) -> tuple[list, dict]:
    """The charts of a tab, drawn from its tables' rows, and the tab's headline figures."""
    if tab == "save-rate":
        weeks, reasons = tables["save-rate-week"].rows, tables["save-rate-reason"].rows
        categories, teams = tables["save-rate-category"].rows, tables["save-rate-team"].rows
        blocks, height = flow_blocks(
            flow_tree(tables["save-rate-path"].rows, branch_label, labels.offer)
        )
        return [
            _chart("line", _("Save rate by week (%)"), weeks, [(_("Save rate"), _series(weeks))]),
            _chart(
                "bar", _("Save rate by reason (%)"), reasons, [(_("Save rate"), _series(reasons))]
            ),
            _chart(
                "bar",
                _("Save rate by reason category (%)"),
                categories,
                [(_("Save rate"), _series(categories))],
            ),
            _chart("bar", _("Save rate by team (%)"), teams, [(_("Save rate"), _series(teams))]),
        ], {
            "total": save_rate_total(filters),
            "flow": {"blocks": blocks, "height": height},
        }
    if tab == "quality":
        rechurn = tables["rechurn"].rows
        value = tables["save-value"].rows
        return [
            _chart(
                "bar",
                _("Re-churn of saved customers (%)"),
                rechurn,
                [(_("Re-churn"), _series(rechurn))],
            ),
            _chart(
                "bar",
                _("Fees kept and offer cost by offer"),
                value,
                [
                    (_("Fees kept"), [r["kept"] for r in value]),
                    (_("Cost"), [r["cost"] for r in value]),
                ],
                percent=False,
            ),
        ], {"over_discounting": [r for r in value if r["over_discounting"]]}
    if tab == "reasons":
        pareto, trend = tables["reasons-lost"].rows, tables["reasons-trend"]
        total = sum(r["n"] for r in pareto) or 1
        running = [sum(r["n"] for r in pareto[: i + 1]) * 100 / total for i in range(len(pareto))]
        return [
            _chart(
                "bar",
                _("Cancellations by reason, and their running share (Pareto)"),
                pareto,
                [
                    (_("Cancellations"), [r["n"] for r in pareto]),
                    (_("Running share (%)"), [round(v, 1) for v in running], "line"),
                ],
                percent=False,
            ),
            _chart(
                "line",
                trend.title,
                trend.rows,
                [(c.label, [r[c.key] for r in trend.rows]) for c in trend.columns[1:]],
                percent=False,
            ),
        ], {"spikes": reason_spikes(filters, labels)}
    if tab == "win-back":
        months = tables["win-back-month"].rows
        return [
            _chart(
                "bar",
                _("Departed, targeted, reached and won back by month"),
                months,
                [
                    (_("Departed"), [r["departed"] for r in months]),
                    (_("Targeted"), [r["targeted"] for r in months]),
                    (_("Reached"), [r["reached"] for r in months]),
                    (_("Won back"), [r["won"] for r in months]),
                ],
                percent=False,
            )
        ], {"win_back": win_back_summary(filters)}
    if tab == "claims":
        causes, steps = tables["claims-cause"].rows, tables["claims-steps"].rows[:-1]
        return [
            _chart(
                "bar",
                _("Claims by root cause"),
                causes,
                [(_("Claims"), [r["n"] for r in causes])],
                percent=False,
            ),
            _chart(
                "bar",
                _("Average minutes per step"),
                steps,
                [
                    (
                        _("Minutes"),
                        [
                            None if r["seconds"] is None else round(r["seconds"] / 60, 1)
                            for r in steps
                        ],
                    )
                ],
                percent=False,
            ),
        ], {"claims": claims_summary(filters)}
    if tab == "satisfaction":
        touchpoints = tables["satisfaction"].rows
        return [
            _chart(
                "bar",
                _("Average score by touchpoint (1-5)"),
                touchpoints,
                [
                    (
                        _("Score"),
                        [None if r["score"] is None else round(r["score"], 2) for r in touchpoints],
                    )
                ],
                percent=False,
            )
        ], {}
    coaching = tables["coaching"].rows
    return [
        _chart("bar", _("Save rate by agent (%)"), coaching, [(_("Save rate"), _series(coaching))])
    ], {}


def _chart(kind, title, rows, datasets, percent=True) -> dict:
    """A chart of `rows`: each dataset is (label, values) or (label, values, "line"), the
    latter drawn as a line of percentages on an axis of its own (a Pareto's running share)."""
    return {
        "type": kind,
        "title": str(title),
        "labels": [str(r["label"]) for r in rows],
        "datasets": [
            {"label": str(label), "data": data, "line": bool(rest)}
            for label, data, *rest in datasets
        ],
        "percent": percent,
    }


def _tab_data(tab: str, filters: Filters) -> dict:
    """What a tab shows of the facts: its tables, charts and figures, how recent the facts
    are, and the filter bar's choices. Kept in the cache (`reporting.cache`): only data
    that pickles, every text a str in the active language."""
    labels = Labels()
    tables = {name: TABLES[name](filters, labels) for name in TAB_TABLES[tab]}
    for table in tables.values():
        table.rows = list(table.rows)
    charts, figures = _charts(tab, tables, filters, labels)
    choices = {
        name: [(value, str(label)) for value, label in pairs]
        for name, pairs in filter_choices().items()
    }
    return {
        "tables": list(tables.values()),
        "charts": charts,
        "as_of": RequestFact.objects.order_by("-closed_on", "-closed_at")
        .values_list("closed_at", flat=True)
        .first(),
        **figures,
        **choices,
    }


@require_GET
def dashboards(request):
    _require(request)
    tab = request.GET.get("tab", "save-rate")
    if tab not in TABS:
        raise Http404
    filters = _filters(request, tab)
    query = request.GET.copy()
    query.pop("tab", None)
    context = {
        "tab": tab,
        "tabs": TABS.items(),
        "filters": filters,
        "unapplied": UNAPPLIED_FILTERS.get(tab, ""),
        "query": query.urlencode(),
        **dashboard_data(tab=tab, filters=filters, compute=lambda: _tab_data(tab, filters)),
    }
    if tab == "coaching":
        # The coaching note's form lists who may be written to now: read on every view.
        context["coaching_agents"] = desk_agents()
    return render(request, "reporting/dashboards.html", context)


@require_GET
def dashboard_csv(request, table):
    """Any dashboard table as CSV, over the same default period as the tab it is on, or
    every closed request (`requests`, over the period of the tab it was asked from), streamed."""
    _require(request)
    if table == "requests":
        tab = request.GET.get("tab", "")
        filters = _filters(request, tab if tab in TABS else "save-rate")
        header = [str(h) for h in REQUEST_EXPORT_HEADER]
        values = request_export_rows(filters)
    elif table in TABLES:
        filters = _filters(request, TABLE_TABS[table])
        built = TABLES[table](filters, Labels(), whole=True)
        header = [c.label for c in built.columns]
        values = built.csv_values()
    else:
        raise Http404
    response = StreamingHttpResponse(csv_rows(header, values), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{table}.csv"'
    return response
