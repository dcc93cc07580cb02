"""Keep the reporting facts (`retention.models.facts`) up to date: set-based and idempotent.

`facts_refresh()` runs every few minutes from Celery beat over what closed in the last two
days, and nightly with `full=True` over everything (a request closed inside a long
transaction, or while the worker was down, is caught there). Each run copies only what has
no fact yet (NOT EXISTS, then ON CONFLICT DO NOTHING), so two overlapping runs, a retried
task or a killed worker never count anything twice; an advisory lock makes a second
concurrent run simply wait its turn.

Every run, whether or not it added anything, moves the facts' version (`FACTS_KEY`): the
dashboards keep what they computed under it (`reporting.cache`), and some of their tabs
read live tables too, so what they keep must not outlive one refresh.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from cancellations.choices import RequestState
from cancellations.models import BRANCHES, CancellationRequest
from claims.models import Claim
from core.updates import updates_bump

_LOCK_KEY = 0x5245_5446  # "RETF": one refresh at a time
FACTS_KEY = "upd:facts"  # the facts' version: the dashboards keep their data under it

# Seconds spent in each state, from the audit trail: each transition closes the time since
# the one before it (the first since the request was opened), credited to its source state.
_REQUEST_FACTS = """
INSERT INTO reporting_requestfact (
    request_id, closed_at, closed_on, is_retained, contract_id, customer_id, agent_id, team_id,
    reason_id, reason_category, product_id, product_category, value_tier, branch, path,
    competitor_name, competitor_offer, offers_presented, offer_code, offer_cost, monthly_fee,
    months_left,
    seconds_reason, seconds_offers, seconds_approval, seconds_quote, seconds_total
)
SELECT r.id, r.closed_at, (r.closed_at AT TIME ZONE %(tz)s)::date, r.state = 'retained',
    r.contract_id, r.customer_id, r.agent_id, u.team_id,
    r.reason_id, COALESCE(rs.category, ''), c.product_id, p.category, cu.value_tier, r.branch,
    CASE WHEN r.branch = '' THEN 'unavoidable' ELSE r.branch END || COALESCE(pp.path, ''),
    r.competitor_name, left(r.competitor_offer, 200),
    r.offers_presented, COALESCE(acc.code, ''), COALESCE(acc.cost, 0),
    COALESCE(acc.monthly_fee_after, c.monthly_fee),
    GREATEST(c.term_months - (
        EXTRACT(YEAR FROM age((r.closed_at AT TIME ZONE %(tz)s)::date, c.start_date)) * 12
        + EXTRACT(MONTH FROM age((r.closed_at AT TIME ZONE %(tz)s)::date, c.start_date))
    ), 0)::int,
    st.reason, st.offers, st.approval, st.quote,
    COALESCE(st.total, EXTRACT(EPOCH FROM r.closed_at - r.opened_at))::int
FROM cancellations_cancellationrequest r
JOIN customers_contract c ON c.id = r.contract_id
JOIN customers_product p ON p.id = c.product_id
JOIN customers_customer cu ON cu.id = r.customer_id
JOIN accounts_user u ON u.id = r.agent_id
LEFT JOIN catalog_reason rs ON rs.id = r.reason_id
LEFT JOIN LATERAL (
    SELECT string_agg(
        '|' || op.code || ':' || CASE WHEN op.answer = 'accepted' THEN '+' ELSE '-' END,
        '' ORDER BY op.position
    ) AS path
    FROM cancellations_offerpresentation op WHERE op.request_id = r.id
) pp ON true
LEFT JOIN LATERAL (
    SELECT op.code, op.cost, op.monthly_fee_after FROM cancellations_offerpresentation op
    WHERE op.request_id = r.id AND op.answer = 'accepted' ORDER BY op.position DESC LIMIT 1
) acc ON true
LEFT JOIN LATERAL (
    SELECT SUM(d) FILTER (WHERE src = 'opened')::int AS reason,
        SUM(d) FILTER (WHERE src = ANY(%(offer_states)s))::int AS offers,
        SUM(d) FILTER (WHERE src = 'awaiting_approval')::int AS approval,
        SUM(d) FILTER (WHERE src = 'cancelling')::int AS quote,
        SUM(d) FILTER (WHERE src <> 'callback_scheduled')::int AS total
    FROM (
        SELECT a.source AS src, EXTRACT(
            EPOCH FROM a.at - LAG(a.at, 1, r.opened_at) OVER (ORDER BY a.at, a.id)
        ) AS d
        FROM core_auditentry a
        WHERE a.subject_type_id = %(request_type)s AND a.subject_id = r.id AND a.source <> ''
    ) steps
) st ON true
WHERE r.state IN ('retained', 'cancelled') AND r.closed_at IS NOT NULL {since}
    AND NOT EXISTS (SELECT 1 FROM reporting_requestfact f WHERE f.request_id = r.id)
ORDER BY r.closed_at -- rows of one period sit together, as they do when added day by day
ON CONFLICT (request_id) DO NOTHING
RETURNING request_id, is_retained
"""

# A save is re-churned when the same contract is cancelled later.
_RECHURN = """
UPDATE reporting_requestfact saved
SET rechurned_on = lost.closed_on, rechurn_days = lost.closed_on - saved.closed_on
FROM reporting_requestfact lost
WHERE {lost} AND NOT lost.is_retained AND saved.contract_id = lost.contract_id
    AND saved.is_retained AND saved.closed_at < lost.closed_at AND saved.rechurned_on IS NULL
"""

_CLAIM_FACTS = """
INSERT INTO reporting_claimfact (
    claim_id, received_at, closed_at, closed_on, agent_id, team_id, root_cause,
    product_category, value_tier, escalated, had_deadline, deadline_met, compensation,
    led_to_cancellation, seconds_apology, seconds_listening, seconds_cause,
    seconds_countermeasure, seconds_escalated, seconds_present, seconds_execute,
    seconds_recover, seconds_total
)
SELECT cl.id, cl.received_at, cl.closed_at, (cl.closed_at AT TIME ZONE %(tz)s)::date,
    cl.agent_id, u.team_id, cl.root_cause, COALESCE(p.category, ''), cu.value_tier,
    cl.escalated_at IS NOT NULL, cl.promised_deadline IS NOT NULL,
    CASE WHEN cl.promised_deadline IS NULL THEN NULL
        ELSE COALESCE(cl.executed_at, cl.closed_at) <= cl.promised_deadline END,
    COALESCE((
        SELECT SUM(cp.amount) FROM claims_compensation cp
        WHERE cp.claim_id = cl.id AND cp.status = 'approved'
    ), 0),
    EXISTS (
        SELECT 1 FROM cancellations_cancellationrequest r
        WHERE r.source_claim_id = cl.id AND r.state = 'cancelled'
    ),
    st.apology, st.listening, st.cause, st.countermeasure, st.escalated, st.present,
    st.execute, st.recover,
    COALESCE(st.total, EXTRACT(EPOCH FROM cl.closed_at - cl.received_at))::int
FROM claims_claim cl
JOIN customers_customer cu ON cu.id = cl.customer_id
JOIN accounts_user u ON u.id = cl.agent_id
LEFT JOIN customers_contract c ON c.id = cl.contract_id
LEFT JOIN customers_product p ON p.id = c.product_id
LEFT JOIN LATERAL (
    SELECT SUM(d) FILTER (WHERE src = 'received')::int AS apology,
        SUM(d) FILTER (WHERE src = 'apologized')::int AS listening,
        SUM(d) FILTER (WHERE src = 'listened')::int AS cause,
        SUM(d) FILTER (WHERE src = 'cause_identified')::int AS countermeasure,
        SUM(d) FILTER (WHERE src = 'escalated')::int AS escalated,
        SUM(d) FILTER (WHERE src = 'countermeasure_planned')::int AS present,
        SUM(d) FILTER (WHERE src = 'solution_presented')::int AS execute,
        SUM(d) FILTER (WHERE src = 'executed')::int AS recover,
        SUM(d)::int AS total
    FROM (
        SELECT a.source AS src, EXTRACT(
            EPOCH FROM a.at - LAG(a.at, 1, cl.received_at) OVER (ORDER BY a.at, a.id)
        ) AS d
        FROM core_auditentry a
        WHERE a.subject_type_id = %(claim_type)s AND a.subject_id = cl.id AND a.source <> ''
    ) steps
) st ON true
WHERE cl.state = 'closed' AND cl.closed_at IS NOT NULL {since}
    AND NOT EXISTS (SELECT 1 FROM reporting_claimfact f WHERE f.claim_id = cl.id)
ORDER BY cl.closed_at
ON CONFLICT (claim_id) DO NOTHING
RETURNING claim_id
"""

# A cancellation that came from a claim marks the claim, whenever it happens.
_CLAIM_CANCELLED = """
UPDATE reporting_claimfact SET led_to_cancellation = true
WHERE NOT led_to_cancellation AND claim_id IN (
    SELECT source_claim_id FROM cancellations_cancellationrequest r
    WHERE {lost} AND r.state = 'cancelled' AND source_claim_id IS NOT NULL
)
"""


def facts_refresh(*, full: bool = False, days: int = 2) -> dict:
    """Copy what closed since `days` ago (everything when `full`) into the facts.
    Returns how many request and claim facts were added."""
    params = {
        "tz": settings.TIME_ZONE,
        "since": timezone.now() - timedelta(days=days),
        "request_type": ContentType.objects.get_for_model(CancellationRequest).pk,
        "claim_type": ContentType.objects.get_for_model(Claim).pk,
        "offer_states": [str(s) for s in [*BRANCHES, RequestState.OFFER_PRESENTED]],
    }
    request_since = "" if full else "AND r.closed_at >= %(since)s"
    claim_since = "" if full else "AND cl.closed_at >= %(since)s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        cursor.execute(_REQUEST_FACTS.format(since=request_since), params)
        added = cursor.fetchall()
        lost = [request_id for request_id, retained in added if not retained]
        # Nightly, every cancellation is looked at again (a save copied late is caught).
        if lost or full:
            which = {"lost": lost}
            cursor.execute(
                _RECHURN.format(lost="TRUE" if full else "lost.request_id = ANY(%(lost)s)"),
                which,
            )
        cursor.execute(_CLAIM_FACTS.format(since=claim_since), params)
        claims = cursor.rowcount
        if lost or full:
            cursor.execute(
                _CLAIM_CANCELLED.format(lost="TRUE" if full else "r.id = ANY(%(lost)s)"), which
            )
        # At once too: a refresh run inside a caller's transaction (a test, the demo seed)
        # is seen by that transaction's dashboards.
        updates_bump([FACTS_KEY], at_once=True)
    return {"requests": len(added), "claims": max(claims, 0)}
