"""Every dashboard table by name, and the tabs they are on: one place for the tables (page
sections and CSV files), the tabs, and each tab's default period."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting.analytics.claims import claim_step_times, claims_by_cause
from reporting.analytics.coaching import coaching_by_agent, offers_by_agent
from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels
from reporting.analytics.quality import rechurn, save_value_by_offer
from reporting.analytics.reasons import competitor_breakdown, reason_pareto, reason_trend
from reporting.analytics.satisfaction import satisfaction_by_touchpoint, survey_comments
from reporting.analytics.save_rate import (
    SAVE_DIMENSIONS,
    ab_tests,
    offer_acceptance,
    save_rate_by,
    save_rate_by_path,
)
from reporting.analytics.winback import win_back_funnel


@dataclass
class Column:
    key: str
    label: str
    kind: str = "text"  # text | int | rate | krw | seconds | score


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: Iterable[dict]
    # The page shows only the first rows (`PAGE_ROWS`) and there are more: the CSV has them.
    more: bool = False

    def csv_values(self) -> Iterator[list]:
        for row in self.rows:
            yield [_csv_value(row.get(c.key), c.kind) for c in self.columns]


# Decimal places of each kind of figure in a CSV. Decimals, not text: a number stays a
# number (a negative net is not taken for a formula, see `core.csv`) and keeps its places.
_CSV_PLACES = {"rate": 4, "p": 4, "seconds": 1, "score": 1}


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind in _CSV_PLACES:
        return Decimal(f"{value:.{_CSV_PLACES[kind]}f}")
    return value


def _save_columns(label: str) -> list[Column]:
    return [
        Column("label", label),
        Column("retained", _("Retained"), "int"),
        Column("cancelled", _("Cancelled"), "int"),
        Column("rate", _("Save rate"), "rate"),
    ]


def _reason_trend_table(filters: Filters, labels: Labels) -> Table:
    """The trend as a table: a row per week, a column per leading reason (the chart's lines)."""
    trend = reason_trend(filters, labels)
    columns = [Column("label", _("Week"))] + [
        Column(f"reason-{s['key']}", s["label"], "int") for s in trend["series"]
    ]
    rows = [
        {
            "key": week,
            "label": week,
            **{f"reason-{s['key']}": s["data"][i] for s in trend["series"]},
        }
        for i, week in enumerate(trend["weeks"] if trend["series"] else [])
    ]
    title = _("Weekly cancellations of the five leading reasons")
    return Table("reasons-trend", title, columns, rows)


# ---- the tables, by name (page sections and CSV files) --------------------------------------

# The page shows the first rows of these tables (the most travelled paths, the most named
# competitors, the latest comments, offers of the first agents by name: a floor of agents
# times the catalog would make a page nobody reads); their CSV files hold every row.
PAGE_ROWS = {"save-rate-path": 100, "competitors": 50, "comments": 30, "coaching-offers": 300}


# A table builder: `whole` for the CSV (every row, possibly read lazily), else the page's.
TableBuilder = Callable[..., Table]


def _save_table(dimension: str) -> TableBuilder:
    label, _column = SAVE_DIMENSIONS[dimension]

    def build(filters: Filters, labels: Labels, *, whole: bool = False) -> Table:
        return Table(
            f"save-rate-{dimension}",
            _("Save rate by %(dimension)s") % {"dimension": str(label).lower()},
            _save_columns(str(label)),
            save_rate_by(filters, dimension, labels),
        )

    return build


def _table(name, title, columns, rows_fn) -> TableBuilder:
    """`rows_fn(filters, labels)`; for a table in `PAGE_ROWS`, `rows_fn(filters, labels,
    limit=)` with `limit=None` for every row."""

    def build(filters: Filters, labels: Labels, *, whole: bool = False) -> Table:
        table = Table(name, str(title), [Column(k, str(lbl), kind) for k, lbl, kind in columns], [])
        if name not in PAGE_ROWS:
            table.rows = rows_fn(filters, labels)
        elif whole:
            table.rows = rows_fn(filters, labels, limit=None)
        else:
            shown = PAGE_ROWS[name]
            rows = list(rows_fn(filters, labels, limit=shown + 1))  # one more: are there more?
            table.rows, table.more = rows[:shown], len(rows) > shown
        return table

    return build


def _built(build_table: Callable[[Filters, Labels], Table]) -> TableBuilder:
    """A table whose columns depend on the data (built whole by `build_table`)."""

    def build(filters: Filters, labels: Labels, *, whole: bool = False) -> Table:
        return build_table(filters, labels)

    return build


WIN_BACK_COLUMNS = [
    ("departed", gettext_lazy("Departed"), "int"),
    ("targeted", gettext_lazy("Targeted"), "int"),
    ("reached", gettext_lazy("Reached"), "int"),
    ("won", gettext_lazy("Won back"), "int"),
    ("recovery_rate", gettext_lazy("Recovery rate"), "rate"),
    ("recovered", gettext_lazy("Fees recovered"), "krw"),
]

TABLES: dict[str, TableBuilder] = {
    **{f"save-rate-{d}": _save_table(d) for d in SAVE_DIMENSIONS},
    "save-rate-path": _table(
        "save-rate-path",
        gettext_lazy("Save rate by path through the tree"),
        [
            ("label", gettext_lazy("Path"), "text"),
            ("retained", gettext_lazy("Retained"), "int"),
            ("cancelled", gettext_lazy("Cancelled"), "int"),
            ("rate", gettext_lazy("Save rate"), "rate"),
        ],
        lambda f, labels, limit: save_rate_by_path(f, labels, limit=limit),
    ),
    "offers": _table(
        "offers",
        gettext_lazy("Offers presented and accepted"),
        [
            ("label", gettext_lazy("Offer"), "text"),
            ("presented", gettext_lazy("Presented"), "int"),
            ("accepted", gettext_lazy("Accepted"), "int"),
            ("rate", gettext_lazy("Acceptance rate"), "rate"),
            ("cost", gettext_lazy("Cost"), "krw"),
        ],
        offer_acceptance,
    ),
    "ab-tests": _table(
        "ab-tests",
        gettext_lazy("A/B tests: each arm's save rate and net value"),
        [
            ("test", gettext_lazy("Test"), "text"),
            ("label", gettext_lazy("Offer"), "text"),
            ("arm", gettext_lazy("Arm"), "text"),
            ("presented", gettext_lazy("Presented"), "int"),
            ("saved", gettext_lazy("Saves"), "int"),
            ("rate", gettext_lazy("Save rate"), "rate"),
            ("net", gettext_lazy("Net value of the saves"), "krw"),
            ("p_value", gettext_lazy("p-value"), "p"),
            ("verdict", gettext_lazy("Difference from the original"), "text"),
        ],
        ab_tests,
    ),
    "rechurn": _table(
        "rechurn",
        gettext_lazy("Saved customers who left again"),
        [
            ("label", gettext_lazy("Within"), "text"),
            ("saves", gettext_lazy("Saves old enough to tell"), "int"),
            ("left", gettext_lazy("Left again"), "int"),
            ("rate", gettext_lazy("Re-churn"), "rate"),
        ],
        lambda f, _l: rechurn(f),
    ),
    "save-value": _table(
        "save-value",
        gettext_lazy("Fees kept against what the offers cost"),
        [
            ("label", gettext_lazy("Offer"), "text"),
            ("saves", gettext_lazy("Saves"), "int"),
            ("rechurn_rate", gettext_lazy("Left again"), "rate"),
            ("kept", gettext_lazy("Fees kept"), "krw"),
            ("cost", gettext_lazy("Cost"), "krw"),
            ("net", gettext_lazy("Net"), "krw"),
        ],
        save_value_by_offer,
    ),
    "reasons-lost": _table(
        "reasons-lost",
        gettext_lazy("Reasons, most first"),
        [
            ("label", gettext_lazy("Reason"), "text"),
            ("n", gettext_lazy("Cancellations"), "int"),
            ("share", gettext_lazy("Share"), "rate"),
            ("cumulative", gettext_lazy("Cumulative"), "rate"),
            ("monthly_revenue", gettext_lazy("Monthly fees lost"), "krw"),
        ],
        reason_pareto,
    ),
    "competitors": _table(
        "competitors",
        gettext_lazy("Who they leave for"),
        [
            ("label", gettext_lazy("Competitor"), "text"),
            ("n", gettext_lazy("Cancellations"), "int"),
            ("offered", gettext_lazy("What they offered"), "text"),
        ],
        lambda f, _l, limit: competitor_breakdown(f, limit=limit),
    ),
    "reasons-trend": _built(_reason_trend_table),
    **{
        f"win-back-{period}": _table(
            f"win-back-{period}",
            title,
            [("label", first, "text"), *WIN_BACK_COLUMNS],
            lambda f, _l, period=period: win_back_funnel(f, period),
        )
        for period, title, first in (
            ("month", gettext_lazy("Win-back by month of departure"), gettext_lazy("Month")),
            ("quarter", gettext_lazy("Win-back by quarter of departure"), gettext_lazy("Quarter")),
        )
    },
    "claims-cause": _table(
        "claims-cause",
        gettext_lazy("Claims by root cause"),
        [
            ("label", gettext_lazy("Root cause"), "text"),
            ("n", gettext_lazy("Claims"), "int"),
            ("escalation_rate", gettext_lazy("Escalated"), "rate"),
            ("deadline_rate", gettext_lazy("Deadlines met"), "rate"),
            ("compensation", gettext_lazy("Compensation"), "krw"),
            ("cancelled", gettext_lazy("Led to a cancellation"), "int"),
        ],
        lambda f, _l: claims_by_cause(f),
    ),
    "claims-steps": _table(
        "claims-steps",
        gettext_lazy("Average time per step"),
        [("label", gettext_lazy("Step"), "text"), ("seconds", gettext_lazy("Time"), "seconds")],
        lambda f, _l: claim_step_times(f),
    ),
    "satisfaction": _table(
        "satisfaction",
        gettext_lazy("Survey results by touchpoint"),
        [
            ("label", gettext_lazy("Touchpoint"), "text"),
            ("answered", gettext_lazy("Answered"), "int"),
            ("score", gettext_lazy("Average score (1-5)"), "score"),
            ("happy_rate", gettext_lazy("Satisfied (4-5)"), "rate"),
            ("return_rate", gettext_lazy("Would come back"), "rate"),
        ],
        lambda f, _l: satisfaction_by_touchpoint(f),
    ),
    "comments": _table(
        "comments",
        gettext_lazy("What customers wrote"),
        [
            ("answered_on", gettext_lazy("Date"), "text"),
            ("label", gettext_lazy("Touchpoint"), "text"),
            ("csat", gettext_lazy("Score"), "int"),
            ("comment", gettext_lazy("Comment"), "text"),
        ],
        lambda f, _l, limit: survey_comments(f, limit=limit),
    ),
    "coaching": _table(
        "coaching",
        gettext_lazy("Agents"),
        [
            ("label", gettext_lazy("Agent"), "text"),
            ("retained", gettext_lazy("Retained"), "int"),
            ("cancelled", gettext_lazy("Cancelled"), "int"),
            ("rate", gettext_lazy("Save rate"), "rate"),
            ("offers_per_call", gettext_lazy("Offers per call"), "score"),
            ("reason_s", gettext_lazy("Finding the reason"), "seconds"),
            ("offers_s", gettext_lazy("Offering"), "seconds"),
            ("quote_s", gettext_lazy("Quoting"), "seconds"),
            ("total_s", gettext_lazy("Whole call"), "seconds"),
            ("claims", gettext_lazy("Claims closed"), "int"),
            ("claim_s", gettext_lazy("Per claim"), "seconds"),
            ("score", gettext_lazy("Survey score"), "score"),
        ],
        coaching_by_agent,
    ),
    "coaching-offers": _table(
        "coaching-offers",
        gettext_lazy("Offers each agent used"),
        [
            ("agent", gettext_lazy("Agent"), "text"),
            ("label", gettext_lazy("Offer"), "text"),
            ("presented", gettext_lazy("Presented"), "int"),
            ("accepted", gettext_lazy("Accepted"), "int"),
            ("rate", gettext_lazy("Acceptance rate"), "rate"),
        ],
        lambda f, labels, limit: offers_by_agent(f, labels, limit=limit),
    ),
}


# ---- the tabs ------------------------------------------------------------------------------

TABS = {
    "save-rate": gettext_lazy("Save rate"),
    "quality": gettext_lazy("Save quality"),
    "reasons": gettext_lazy("Why they leave"),
    "win-back": gettext_lazy("Win-back"),
    "claims": gettext_lazy("Claims"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "coaching": gettext_lazy("Coaching"),
}
TAB_TABLES = {
    "save-rate": [
        "save-rate-week",
        "save-rate-category",
        "save-rate-reason",
        "save-rate-product",
        "save-rate-team",
        "save-rate-agent",
        "save-rate-path",
        "offers",
        "ab-tests",
    ],
    "quality": ["rechurn", "save-value"],
    "reasons": ["reasons-lost", "reasons-trend", "competitors"],
    "win-back": ["win-back-month", "win-back-quarter"],
    "claims": ["claims-cause", "claims-steps"],
    "satisfaction": ["satisfaction", "comments"],
    "coaching": ["coaching", "coaching-offers"],
}
# The tab each table is on (each is on one): its CSV reads the tab's default period.
TABLE_TABS = {name: tab for tab, names in TAB_TABLES.items() for name in names}

# Save quality needs saves old enough to have left again; win-back needs departures that
# have been called: both look further back by default. The one place that says so: the
# page and the CSV files of its tables read their period from here.
DEFAULT_DAYS = {"quality": 455, "win-back": 365}

# What a tab's filters cannot narrow, said on the tab.
UNAPPLIED_FILTERS = {
    "claims": gettext_lazy(
        "The reason filters do not apply to claims: a claim has no cancellation reason."
    ),
    "satisfaction": gettext_lazy(
        "Product and reason filters follow what a survey is about (the cancellation call, "
        "claim or win-back); a claim survey has no reason, so a reason filter leaves it out."
    ),
    "coaching": gettext_lazy(
        "The reason filters do not apply to the claim columns: a claim has no cancellation reason."
    ),
}
