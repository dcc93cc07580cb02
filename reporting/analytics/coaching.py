"""The coaching tab: each agent's figures, and the offers each agent used."""

from django.db import connection
from django.db.models import Avg, Count, Q, Sum

from reporting.analytics.common import rate, with_rate
from reporting.analytics.filters import Filters
from reporting.analytics.labels import Labels

_OUTCOMES = {
    "retained": Count("pk", filter=Q(is_retained=True)),
    "cancelled": Count("pk", filter=Q(is_retained=False)),
}


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
    for row in with_rate(requests):
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
            "rate": rate(accepted, presented),
        }
        for agent, code, presented, accepted in counts
    ]
    rows.sort(key=lambda r: (r["agent"], r["agent_id"], -r["presented"], r["code"]))
    return rows[:limit]
