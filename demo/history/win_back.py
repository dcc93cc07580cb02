"""Win-back outcomes for the history: who was reached, who came back, who left again."""

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from winback.models import WinBackCase


def _win_back_outcomes(rng, supervisors) -> int:
    """Outcomes for win-back cases that departed over two weeks ago: three in four reached,
    about a third of those won back with a new contract (a few of which leave again)."""
    cutoff = timezone.localdate() - timedelta(days=14)
    cases = list(
        WinBackCase.objects.filter(outcome="pending", departed_on__lte=cutoff).values_list(
            "pk", "contract_id", "departed_on"
        )
    )
    ids, outcomes, returns, callers, left_again = [], [], [], [], []
    for pk, _contract_id, departed in cases:
        roll = rng.random()
        ids.append(pk)
        outcomes.append(
            "unreachable" if roll < 0.25 else ("won_back" if roll < 0.5 else "declined")
        )
        returns.append(min(departed + timedelta(days=rng.randint(14, 40)), timezone.localdate()))
        callers.append(rng.choice(supervisors))
        left_again.append(rng.random() < 0.15)
    decided = {
        "ids": ids,
        "outcomes": outcomes,
        "returns": returns,
        "callers": callers,
        "left": left_again,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # Set-based: the decisions go in as arrays, whatever their number.
        cursor.execute(
            """
            WITH d AS (
                SELECT * FROM unnest(%(ids)s::bigint[], %(outcomes)s::text[],
                    %(returns)s::date[], %(callers)s::bigint[], %(left)s::bool[])
                    AS d(id, outcome, returned, caller, left_again)
            )
            UPDATE winback_winbackcase w SET outcome = d.outcome, handled_by_id = d.caller,
                closed_at = d.returned + time '11:00'
            FROM d WHERE w.id = d.id
            """,
            decided,
        )
        cursor.execute(
            """
            WITH d AS (
                SELECT * FROM unnest(%(ids)s::bigint[], %(returns)s::date[], %(left)s::bool[])
                    AS d(id, returned, left_again)
            ), fresh AS (
                INSERT INTO customers_contract (number, customer_id, product_id, start_date,
                    term_months, monthly_fee, prepaid_amount, status, cancelled_on, updated_at,
                    discount_percent, free_months_remaining)
                SELECT 'W' || c.number, c.customer_id, c.product_id, d.returned, c.term_months,
                    c.monthly_fee, 0,
                    CASE WHEN d.left_again THEN 'cancelled' ELSE 'active' END,
                    CASE WHEN d.left_again THEN LEAST(d.returned + 120, CURRENT_DATE) END,
                    now(), 0, 0
                FROM d JOIN winback_winbackcase w ON w.id = d.id
                JOIN customers_contract c ON c.id = w.contract_id
                WHERE w.outcome = 'won_back'
                RETURNING id, number
            )
            UPDATE winback_winbackcase w SET new_contract_id = fresh.id
            FROM fresh JOIN customers_contract old ON fresh.number = 'W' || old.number
            WHERE w.contract_id = old.id
            """,
            decided,
        )
        cursor.execute(
            """
            UPDATE calls_calltask t SET status = 'done', outcome = w.outcome,
                updated_at = now()
            FROM winback_winbackcase w
            WHERE t.win_back_id = w.id AND w.outcome <> 'pending' AND t.status <> 'done'
            """
        )
    return outcomes.count("won_back")
