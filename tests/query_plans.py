"""The plan PostgreSQL chooses for a query, on fresh statistics, with or without
sequential scans: for the tests that a lookup is served by its index."""

from django.db import connection

TABLES = [
    "customers_customer",
    "customers_contract",
    "cancellations_cancellationrequest",
    "claims_claim",
]


def query_plan(queryset, *, seqscan: bool = False) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Fresh statistics: an earlier test's bulk load may have analysed these tables.
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
        if not seqscan:
            cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
        return plan
