"""The save-rate tab: save rate by every breakdown (one pass over the period's facts), by
path through the tree, offer acceptance and the A/B tests."""

import math
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.choices import ReasonCategory
from catalog.models import Offer
from reporting.analytics.common import rate, with_rate
from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels
from reporting.models import RequestFact

SAVE_DIMENSIONS = {
    "week": (gettext_lazy("Week"), None),
    "category": (gettext_lazy("Reason category"), "reason_category"),
    "reason": (gettext_lazy("Reason"), "reason_id"),
    "product": (gettext_lazy("Product"), "product_id"),
    "team": (gettext_lazy("Team"), "team_id"),
    "agent": (gettext_lazy("Agent"), "agent_id"),
}


# Net value of a save: the fees it kept (as `quality._kept_months` counts them) minus the
# offer's cost.
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
    return with_rate([{"retained": total["retained"], "cancelled": total["cancelled"]}])[0]


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
        return with_rate(
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
    result = with_rate({**r, "label": name(r["key"])} for r in rows)
    return sorted(result, key=lambda r: (-(r["retained"] + r["cancelled"]), r["label"]))


def save_rate_by_path(
    filters: Filters, labels: Labels | None = None, *, limit: int | None = None
) -> list[dict]:
    """Save rate by the path through the tree: branch, then each offer and its answer; the
    most travelled first (the first `limit`)."""
    labels = labels or Labels()
    rows = _save_rows(filters, "path")
    result = with_rate({**r, "label": labels.path(r["key"])} for r in rows)
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
                "rate": rate(t["accepted"], t["presented"]),
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
                    "rate": rate(saved, n),
                    "net": saves.get("net", 0),
                    "p_value": p_value,
                    "verdict": verdict,
                }
            )
    return rows
