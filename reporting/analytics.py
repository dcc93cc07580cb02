"""Analytics for the supervisor dashboards, read from the reporting facts.

Every figure comes from `RequestFact` / `ClaimFact` (one narrow row per closed request or
claim, see `retention.models.facts`), `WinBackCase` and `Survey`, each breakdown one indexed
aggregate query. Every table is a `Table`: the page shows it (the longest ones only their
first rows, `PAGE_ROWS`), the chart draws from it, and `/desk/dashboards/<name>.csv` streams
all of it.

Definitions (also on the page):
- save rate = retained ÷ (retained + cancelled), over requests closed in the period;
- re-churn at N months = saves at least N months old whose contract was cancelled within N
  months of the save, ÷ saves at least N months old;
- fees kept = the monthly fee after the offer times the months the customer stayed (to the end
  of the term, or to the re-churn), at most `RETENTION_KEPT_HORIZON_MONTHS`; net = fees kept
  minus what the offer cost. An offer whose net is ≤ 0 is over-discounting;
- recovery rate = won back ÷ targeted (the called tiers), against the ~30% of the source;
- intensive-care retention = won-back customers at least 6 months back whose new contract
  is still running, ÷ all of them.
"""

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Case, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Least, TruncMonth, TruncQuarter, TruncWeek
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team, User
from calls.choices import SurveyTouchpoint
from calls.models import Survey
from cancellations.choices import RequestState
from catalog.choices import ReasonCategory
from catalog.models import Offer, Reason
from claims.choices import RootCause
from customers.choices import ProductCategory, ValueTier
from customers.models import Product
from reporting.models import ClaimFact, RequestFact
from winback.choices import WinBackOutcome, WinBackTier
from winback.models import WinBackCase

RECOVERY_REFERENCE = 0.30  # seed 001: ~30% of departed customers recovered


# ---- filters -----------------------------------------------------------------------------


@dataclass
class Filters:
    date_from: date
    date_to: date
    product_category: str = ""
    reason_category: str = ""
    reason: int | None = None
    team: int | None = None
    agent: int | None = None
    value_tier: str = ""
    errors: list[str] = field(default_factory=list)
    # Results shared by the tables of one page (one pass over the facts serves several).
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_query(cls, params, *, default_days: int = 90) -> "Filters":
        """Read the filters from a query string; bad values are reported and ignored."""
        today = timezone.localdate()
        errors = []
        date_from = _date(params.get("from"), today - timedelta(days=default_days), errors)
        date_to = _date(params.get("to"), today, errors)
        if date_to < date_from:
            errors.append(
                _("The period ends before it starts; showing the last %(days)d days.")
                % {"days": default_days}
            )
            date_from, date_to = today - timedelta(days=default_days), today
        picked = {}
        choices = {
            "product_category": ProductCategory.values,
            "reason_category": ReasonCategory.values,
            "value_tier": ValueTier.values,
        }
        for name, allowed in choices.items():
            value = params.get(name, "")
            if value and value not in allowed:
                errors.append(_("Unknown filter value ignored: %(value)s") % {"value": value})
                value = ""
            picked[name] = value
        for name in ("reason", "team", "agent"):
            picked[name] = _id(params.get(name), errors)
        return cls(date_from=date_from, date_to=date_to, errors=errors, **picked)

    def with_period(self, date_from: date, date_to: date) -> "Filters":
        fields = {k: v for k, v in self.__dict__.items() if k != "memo"}
        return Filters(**{**fields, "date_from": date_from, "date_to": date_to})

    def _people(self, queryset, agent_field: str = "agent_id", team_field: str = "team_id"):
        if self.agent:
            queryset = queryset.filter(**{agent_field: self.agent})
        if self.team:
            queryset = queryset.filter(**{team_field: self.team})
        return queryset

    def requests(self):
        """Facts of the requests closed in the period, narrowed by every filter."""
        facts = RequestFact.objects.filter(
            closed_on__gte=self.date_from, closed_on__lte=self.date_to
        )
        if self.product_category:
            facts = facts.filter(product_category=self.product_category)
        if self.reason_category:
            facts = facts.filter(reason_category=self.reason_category)
        if self.reason:
            facts = facts.filter(reason_id=self.reason)
        if self.value_tier:
            facts = facts.filter(value_tier=self.value_tier)
        return self._people(facts)

    def claims(self):
        """Facts of the claims closed in the period (a reason filter does not apply)."""
        facts = ClaimFact.objects.filter(closed_on__gte=self.date_from, closed_on__lte=self.date_to)
        if self.product_category:
            facts = facts.filter(product_category=self.product_category)
        if self.value_tier:
            facts = facts.filter(value_tier=self.value_tier)
        return self._people(facts)

    def departed(self):
        """Win-back cases of customers who left in the period (the agent is who called)."""
        cases = WinBackCase.objects.filter(
            departed_on__gte=self.date_from, departed_on__lte=self.date_to
        )
        if self.product_category:
            cases = cases.filter(contract__product__category=self.product_category)
        if self.reason_category:
            cases = cases.filter(original_reason__category=self.reason_category)
        if self.reason:
            cases = cases.filter(original_reason_id=self.reason)
        if self.value_tier:
            cases = cases.filter(customer__value_tier=self.value_tier)
        return self._people(cases, "handled_by_id", "handled_by__team_id")

    def surveys(self):
        """Surveys answered in the period. People filters follow the agent copied onto the
        survey; product and reason filters follow what the survey is about (its request,
        claim or win-back case), so a survey about none of them, or a claim survey under a
        reason filter (a claim has no cancellation reason), is left out."""
        start, end = self.bounds()
        surveys = Survey.objects.filter(answered_at__gte=start, answered_at__lt=end)
        if self.product_category:
            surveys = surveys.filter(
                Q(cancellation_request__contract__product__category=self.product_category)
                | Q(claim__contract__product__category=self.product_category)
                | Q(win_back__contract__product__category=self.product_category)
            )
        if self.reason_category:
            surveys = surveys.filter(
                Q(cancellation_request__reason__category=self.reason_category)
                | Q(win_back__original_reason__category=self.reason_category)
            )
        if self.reason:
            surveys = surveys.filter(
                Q(cancellation_request__reason_id=self.reason)
                | Q(win_back__original_reason_id=self.reason)
            )
        if self.value_tier:
            surveys = surveys.filter(customer__value_tier=self.value_tier)
        return self._people(surveys, "agent_id", "agent__team_id")

    def bounds(self) -> tuple[datetime, datetime]:
        start = timezone.make_aware(datetime.combine(self.date_from, time.min))
        end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
        return start, end


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


def _id(raw, errors: list[str]) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = 0
    if not 0 < value < 2**63:  # an id the database could hold
        errors.append(_("Unknown filter value ignored: %(value)s") % {"value": raw})
        return None
    return value


# ---- labels --------------------------------------------------------------------------------


class Labels:
    """Names for the keys the facts hold (ids and codes), one small query each, on demand."""

    def __init__(self):
        self._cache = {}

    def _get(self, kind: str, loader: Callable[[], dict]) -> dict:
        if kind not in self._cache:
            self._cache[kind] = loader()
        return self._cache[kind]

    def reason(self, pk) -> str:
        reasons = self._get("reason", lambda: {r.pk: r.label for r in Reason.objects.all()})
        return reasons.get(pk, "-")

    def product(self, pk) -> str:
        products = self._get("product", lambda: {p.pk: p.name for p in Product.objects.all()})
        return products.get(pk, "-")

    def agent(self, pk) -> str:
        def load():
            users = User.objects.only("username", "first_name", "last_name")
            return {u.pk: u.display_name for u in users}

        return self._get("agent", load).get(pk) or _("(unknown)")

    def team(self, pk) -> str:
        teams = self._get("team", lambda: dict(Team.objects.values_list("pk", "name")))
        return teams.get(pk, _("No team"))

    def offer(self, code) -> str:
        offers = self._get("offer", lambda: {o.code: o.name for o in Offer.objects.all()})
        return offers.get(code, code or "-")

    def path(self, key: str) -> str:
        """ "financial_burden|FIN-FEE:-|FIN-PAUSE:+" → "Financial burden > Fee ✗ > Pause ✓"."""
        branch, *steps = key.split("|")
        parts = [branch_label(branch)]
        for step in steps:
            code, _sep, answer = step.rpartition(":")
            parts.append(f"{self.offer(code)} {'✓' if answer == '+' else '✗'}")
        return " > ".join(parts)


def branch_label(branch: str) -> str:
    if branch == "unavoidable":
        return str(_("Unavoidable"))
    try:
        return str(RequestState(branch).label)
    except ValueError:
        return branch


# ---- tables --------------------------------------------------------------------------------


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
# number (a negative net is not taken for a formula, see `_cell`) and keeps its places.
_CSV_PLACES = {"rate": 4, "p": 4, "seconds": 1, "score": 1}


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind in _CSV_PLACES:
        return Decimal(f"{value:.{_CSV_PLACES[kind]}f}")
    return value


def _rate(numerator, denominator):
    return numerator / denominator if denominator else None


_OUTCOMES = {
    "retained": Count("pk", filter=Q(is_retained=True)),
    "cancelled": Count("pk", filter=Q(is_retained=False)),
}


def _with_rate(rows: Iterable[dict]) -> list[dict]:
    return [{**r, "rate": _rate(r["retained"], r["retained"] + r["cancelled"])} for r in rows]


def _save_columns(label: str) -> list[Column]:
    return [
        Column("label", label),
        Column("retained", _("Retained"), "int"),
        Column("cancelled", _("Cancelled"), "int"),
        Column("rate", _("Save rate"), "rate"),
    ]


# ---- save rate -----------------------------------------------------------------------------

SAVE_DIMENSIONS = {
    "week": (gettext_lazy("Week"), None),
    "category": (gettext_lazy("Reason category"), "reason_category"),
    "reason": (gettext_lazy("Reason"), "reason_id"),
    "product": (gettext_lazy("Product"), "product_id"),
    "team": (gettext_lazy("Team"), "team_id"),
    "agent": (gettext_lazy("Agent"), "agent_id"),
}


# Net value of a save: the fees it kept (as `_kept_months` counts them) minus the offer's cost.
_NET_SQL = (
    "monthly_fee * LEAST(CASE WHEN rechurned_on IS NULL THEN months_left"
    " ELSE LEAST(months_left, rechurn_days / 30) END, {horizon}) - offer_cost"
)

# What the facts are grouped by, each grouping set one or two columns; every breakdown on
# the page is one of these or adds some of their groups together: the reason category from
# (reason, category) pairs, team and agent from (agent, team) pairs (an agent may have
# changed teams), the offer that saved the customer from the path (its last accepted step),
# and the total. Five sets, not eight, hashed in one pass over the period's facts: a year of
# half a million rows in about 0.3 s on two cores (eight sets in two parallel halves took
# 0.4 s, and PostgreSQL only sometimes chose to run the halves side by side).
_SAVE_SETS = {
    # The Monday of the week, in date arithmetic (2000-01-03 was a Monday; the second modulo
    # for days before it): date_trunc would convert every row to a timestamp in the
    # session's time zone and back.
    "week": ("(closed_on - ((closed_on - DATE '2000-01-03') %% 7 + 7) %% 7)",),
    "reason": ("reason_id", "reason_category"),
    "product": ("product_id",),
    "agent": ("agent_id", "team_id"),
    "path": ("path",),
}


def _save_sql(where: str) -> str:
    """Rows of (set, key, second key, retained, cancelled, cost, net), `set` being a name
    of `_SAVE_SETS` or "total"."""
    which = " ".join(f"WHEN GROUPING({keys[0]}) = 0 THEN '{n}'" for n, keys in _SAVE_SETS.items())
    firsts = ", ".join(f"({keys[0]})::text" for keys in _SAVE_SETS.values())
    seconds = ", ".join(f"({keys[1]})::text" for keys in _SAVE_SETS.values() if len(keys) > 1)
    sets = ", ".join("(" + ", ".join(keys) + ")" for keys in _SAVE_SETS.values())
    net = _NET_SQL.format(horizon=int(settings.RETENTION_KEPT_HORIZON_MONTHS))
    return (
        f"SELECT CASE {which} ELSE 'total' END, COALESCE({firsts}), COALESCE({seconds}),"
        " COUNT(*) FILTER (WHERE is_retained), COUNT(*) FILTER (WHERE NOT is_retained),"
        " COALESCE(SUM(offer_cost) FILTER (WHERE is_retained), 0),"
        f" COALESCE(SUM({net}) FILTER (WHERE is_retained), 0)"
        f" FROM {RequestFact._meta.db_table} WHERE {where} GROUP BY GROUPING SETS ({sets}, ())"
    )


def _saving_offer(path: str) -> str:
    """The offer that saved the customer: the last one accepted on the path ("" if none)."""
    for step in reversed(path.split("|")[1:]):
        code, _sep, answer = step.rpartition(":")
        if answer == "+":
            return code
    return ""


def _add(into: dict, key, counts: dict) -> None:
    total = into.setdefault(key, {"retained": 0, "cancelled": 0, "cost": 0, "net": 0})
    for name, value in counts.items():
        total[name] += value


def _int_or_none(key):
    return None if key is None else int(key)


def _save_breakdowns(filters: Filters) -> dict:
    """Every save-rate breakdown (and the total) from one statement over the facts:
    GROUPING SETS, so a page of eight breakdowns reads the period's rows once, not eight
    times.

    {"total": {"retained", "cancelled", "cost", "net"}, "<dimension>": {key: {...}}} for
    week, category, reason, product, team, agent, path and offer; `cost` is what the offers
    of the saves cost, `net` the fees they kept minus that cost."""
    if "save" in filters.memo:
        return filters.memo["save"]
    query = filters.requests().query
    where, params = query.get_compiler(connection=connection).compile(query.where)
    names = ("week", "category", "reason", "product", "team", "agent", "path", "offer")
    result = {"total": {"retained": 0, "cancelled": 0, "cost": 0, "net": 0}}
    result.update({name: {} for name in names})
    with connection.cursor() as cursor:
        cursor.execute(_save_sql(where), params)
        rows = cursor.fetchall()
    for name, key, other, retained, cancelled, cost, net in rows:
        counts = {"retained": retained, "cancelled": cancelled, "cost": cost, "net": net}
        if name == "week":
            _add(result["week"], date.fromisoformat(key), counts)
        elif name == "reason":
            _add(result["reason"], _int_or_none(key), counts)
            _add(result["category"], other or "", counts)
        elif name == "product":
            _add(result["product"], _int_or_none(key), counts)
        elif name == "agent":
            _add(result["agent"], _int_or_none(key), counts)
            _add(result["team"], _int_or_none(other), counts)
        elif name == "path":
            _add(result["path"], key, counts)
            _add(result["offer"], _saving_offer(key), counts)
        else:
            result["total"] = counts
    filters.memo["save"] = result
    return result


def save_rate_total(filters: Filters) -> dict:
    total = _save_breakdowns(filters)["total"]
    return _with_rate([{"retained": total["retained"], "cancelled": total["cancelled"]}])[0]


def _save_rows(filters: Filters, dimension: str) -> list[dict]:
    return [
        {"key": key, "retained": c["retained"], "cancelled": c["cancelled"]}
        for key, c in _save_breakdowns(filters)[dimension].items()
    ]


def save_rate_by(filters: Filters, dimension: str, labels: Labels | None = None) -> list[dict]:
    """[{"key", "label", "retained", "cancelled", "rate"}] for one breakdown."""
    labels = labels or Labels()
    rows = _save_rows(filters, dimension)
    if dimension == "week":
        return _with_rate(
            {**r, "key": r["key"].isoformat(), "label": r["key"].isoformat()}
            for r in sorted(rows, key=lambda r: r["key"])
        )
    name = {
        "category": lambda k: str(ReasonCategory(k).label) if k else "-",
        "reason": labels.reason,
        "product": labels.product,
        "team": labels.team,
        "agent": labels.agent,
    }[dimension]
    result = _with_rate({**r, "label": name(r["key"])} for r in rows)
    return sorted(result, key=lambda r: (-(r["retained"] + r["cancelled"]), r["label"]))


def save_rate_by_path(
    filters: Filters, labels: Labels | None = None, *, limit: int | None = None
) -> list[dict]:
    """Save rate by the path through the tree: branch, then each offer and its answer; the
    most travelled first (the first `limit`)."""
    labels = labels or Labels()
    rows = _save_rows(filters, "path")
    result = _with_rate({**r, "label": labels.path(r["key"])} for r in rows)
    return sorted(result, key=lambda r: (-(r["retained"] + r["cancelled"]), r["key"]))[:limit]


def offer_acceptance(filters: Filters, labels: Labels | None = None) -> list[dict]:
    """Per offer: how often it was put to a customer, how often it saved them, and its cost.
    Read from the paths (each names every offer presented and its answer)."""
    labels = labels or Labels()
    tallies: dict[str, dict] = {}
    for row in _save_rows(filters, "path"):
        n = row["retained"] + row["cancelled"]
        for step in row["key"].split("|")[1:]:
            code, _sep, answer = step.rpartition(":")
            tally = tallies.setdefault(code, {"presented": 0, "accepted": 0, "cost": 0})
            tally["presented"] += n
            tally["accepted"] += n if answer == "+" else 0
    for code, counts in _save_breakdowns(filters)["offer"].items():
        if code in tallies:
            tallies[code]["cost"] = counts["cost"]
    return sorted(
        (
            {
                "key": code,
                "label": labels.offer(code),
                **t,
                "rate": _rate(t["accepted"], t["presented"]),
            }
            for code, t in tallies.items()
        ),
        key=lambda r: (-r["presented"], r["key"]),
    )


def _two_proportion_p(s1: int, n1: int, s0: int, n0: int) -> float | None:
    """Two-sided p-value of the difference between two rates (pooled z-test)."""
    if not n1 or not n0:
        return None
    pooled = (s1 + s0) / (n1 + n0)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if spread == 0:
        return None
    z = (s1 / n1 - s0 / n0) / spread
    return math.erfc(abs(z) / math.sqrt(2))


def ab_tests(filters: Filters, labels: Labels | None = None) -> list[dict]:
    """Each A/B test's arms (the original first): requests where the arm was presented,
    saves by it (accepted, and the customer stayed), save rate, net value of those saves
    (fees kept minus cost), and for a variant the p-value of its difference from the
    original (significant below 0.05). From the same pass over the facts as the save rates."""
    labels = labels or Labels()
    arms = list(
        Offer.objects.filter(Q(variant_of__isnull=False) | Q(variants__isnull=False))
        .distinct()
        .values("pk", "code", "variant_of_id")
    )
    if not arms:
        return []
    breakdowns = _save_breakdowns(filters)
    presented = {a["code"]: 0 for a in arms}
    for path, counts in breakdowns["path"].items():
        for step in path.split("|")[1:]:
            code = step.rpartition(":")[0]
            if code in presented:
                presented[code] += counts["retained"] + counts["cancelled"]
    by_pk = {a["pk"]: a for a in arms}
    rows = []
    for original in sorted({a["variant_of_id"] or a["pk"] for a in arms}):
        variants = [a for a in arms if a["variant_of_id"] == original]
        base = by_pk[original]["code"]
        base_n = presented[base]
        base_saved = breakdowns["offer"].get(base, {}).get("retained", 0)
        for arm in [by_pk[original], *sorted(variants, key=lambda a: a["pk"])]:
            code, is_variant = arm["code"], arm["pk"] != original
            n, saves = presented[code], breakdowns["offer"].get(code, {})
            saved = saves.get("retained", 0)
            p_value = _two_proportion_p(saved, n, base_saved, base_n) if is_variant else None
            if not is_variant:
                verdict = ""
            elif p_value is None:
                verdict = _("too few calls")
            elif p_value < 0.05:
                verdict = _("significant (95%)")
            else:
                verdict = _("not significant yet")
            rows.append(
                {
                    "key": code,
                    "test": base,
                    "label": labels.offer(code),
                    "arm": _("variant") if is_variant else _("original"),
                    "presented": n,
                    "saved": saved,
                    "rate": _rate(saved, n),
                    "net": saves.get("net", 0),
                    "p_value": p_value,
                    "verdict": verdict,
                }
            )
    return rows


# ---- save quality --------------------------------------------------------------------------


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
            "rate": _rate(totals[f"left_{months}"], totals[f"saves_{months}"]),
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
                "rechurn_rate": _rate(row["rechurned"], row["saves"]),
                "kept": kept,
                "cost": cost,
                "net": kept - cost,
                "over_discounting": kept - cost <= 0,
            }
        )
    return sorted(result, key=lambda r: (r["net"], r["key"]))


# ---- why they leave ------------------------------------------------------------------------


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
        row["share"] = _rate(row["n"], total)
        row["cumulative"] = _rate(running, total)
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


# ---- win-back ------------------------------------------------------------------------------

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
                "recovery_rate": _rate(row["won"], row["targeted"]),
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
        "recovery_rate": _rate(totals["won"], totals["targeted"]),
        "reference": RECOVERY_REFERENCE,
        "care_rate": _rate(totals["care_kept"], totals["care"]),
    }


# ---- claims --------------------------------------------------------------------------------

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
        "escalation_rate": _rate(row["escalated"], row["n"]),
        "deadline_rate": _rate(row["deadline_met"], row["with_deadline"]),
        "cancel_rate": _rate(row["cancelled"], row["n"]),
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
            "happy_rate": _rate(r["happy"], r["answered"]),
            "return_rate": _rate(r["would_return"], r["answered"]),
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


# ---- coaching ------------------------------------------------------------------------------


def coaching_by_agent(filters: Filters, labels: Labels | None = None) -> list[dict]:
    """Per agent: save rate, offers per call, average seconds per step, claims handled and
    their average length, and the survey score of their customers. Three queries."""
    labels = labels or Labels()
    requests = (
        filters.requests()
        .values("agent_id")
        .annotate(
            **_OUTCOMES,
            offers=Sum("offers_presented"),
            reason_s=Avg("seconds_reason"),
            offers_s=Avg("seconds_offers"),
            quote_s=Avg("seconds_quote"),
            total_s=Avg("seconds_total"),
        )
    )
    claims = {
        r["agent_id"]: r
        for r in filters.claims()
        .values("agent_id")
        .annotate(claims=Count("pk"), claim_s=Avg("seconds_total"))
    }
    scores = {}
    for row in (
        filters.surveys().values("agent_id").annotate(score=Avg("csat"), answered=Count("pk"))
    ):
        scores[row["agent_id"]] = row
    result = []
    for row in _with_rate(requests):
        agent = row["agent_id"]
        decided = row["retained"] + row["cancelled"]
        result.append(
            {
                **row,
                "key": agent,
                "label": labels.agent(agent),
                "offers_per_call": row["offers"] / decided if decided else None,
                "claims": claims.get(agent, {}).get("claims", 0),
                "claim_s": claims.get(agent, {}).get("claim_s"),
                "score": scores.get(agent, {}).get("score"),
                "answered": scores.get(agent, {}).get("answered", 0),
            }
        )
    return sorted(result, key=lambda r: (-(r["retained"] + r["cancelled"]), r["label"]))


# Each offer on each path (every step after the branch is "<code>:+" or "<code>:-"), counted
# per agent: the period's facts are first grouped by agent and path (a few hundred groups per
# agent), then each group's path is split into its offers.
_OFFERS_BY_AGENT = (
    "SELECT g.agent_id, left(s.step, length(s.step) - 2), SUM(g.n)::bigint,"
    " COALESCE(SUM(g.n) FILTER (WHERE right(s.step, 1) = '+'), 0)::bigint"
    " FROM (SELECT f.agent_id, f.path, COUNT(*) AS n FROM ({facts}) f GROUP BY 1, 2) g"
    " CROSS JOIN LATERAL unnest(string_to_array(g.path, '|')) WITH ORDINALITY AS s(step, i)"
    " WHERE s.i > 1 GROUP BY 1, 2"
)


def offers_by_agent(
    filters: Filters, labels: Labels | None = None, *, limit: int | None = None
) -> list[dict]:
    """Per agent, each offer they put to customers: how often, and how often it was accepted.
    Read from the paths (each names every offer presented and its answer) in one aggregate
    query; agents in name order, their most used offer first (the first `limit` rows)."""
    labels = labels or Labels()
    facts, params = filters.requests().values("agent_id", "path").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_OFFERS_BY_AGENT.format(facts=facts), params)
        counts = cursor.fetchall()
    rows = [
        {
            "key": f"{agent}:{code}",
            "agent_id": agent,
            "agent": labels.agent(agent),
            "code": code,
            "label": labels.offer(code),
            "presented": presented,
            "accepted": accepted,
            "rate": _rate(accepted, presented),
        }
        for agent, code, presented, accepted in counts
    ]
    rows.sort(key=lambda r: (r["agent"], r["agent_id"], -r["presented"], r["code"]))
    return rows[:limit]


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


# ---- CSV -----------------------------------------------------------------------------------

REQUEST_EXPORT_HEADER = [
    gettext_lazy("Request"),
    gettext_lazy("Closed"),
    gettext_lazy("Outcome"),
    gettext_lazy("Customer"),
    gettext_lazy("Agent"),
    gettext_lazy("Reason"),
    gettext_lazy("Path"),
    gettext_lazy("Offer"),
    gettext_lazy("Cost"),
    gettext_lazy("Monthly fee"),
]


def request_export_rows(filters: Filters) -> Iterator[list]:
    """Every request closed in the period, one row each, read in chunks from the database
    (a million rows stream through without ever being held at once)."""
    labels = Labels()
    facts = (
        filters.requests()
        .order_by("closed_at")
        .values_list(
            "request_id",
            "closed_at",
            "is_retained",
            "request__customer__name",
            "agent_id",
            "reason_id",
            "path",
            "offer_code",
            "offer_cost",
            "monthly_fee",
        )
    )
    for pk, closed, retained, customer, agent, reason, path, offer, cost, fee in facts.iterator(
        chunk_size=2000
    ):
        yield [
            pk,
            timezone.localtime(closed).isoformat(timespec="minutes"),
            _("retained") if retained else _("cancelled"),
            customer,
            labels.agent(agent),
            labels.reason(reason),
            labels.path(path),
            labels.offer(offer) if offer else "",
            cost,
            fee,
        ]


# Which dimensions a user can pick from in the filter bar.
def filter_choices() -> dict:
    return {
        "product_categories": ProductCategory.choices,
        "reason_categories": ReasonCategory.choices,
        "value_tiers": ValueTier.choices,
        "reasons": [(r.pk, r.label) for r in Reason.objects.all()],
        "teams": list(Team.objects.values_list("pk", "name")),
        "agents": [
            (u.pk, u.display_name)
            for u in User.objects.filter(groups__permissions__codename="handle_calls")
            .distinct()
            .order_by("username")
        ],
    }
