"""The live-call lookups are served by indexes, never by a scan of the customers table.

The test tables are tiny, so the planner would happily scan them; with sequential scans
disabled, a lookup that still scans has no index it can use.
"""

import pytest
from django.db import connection

from retention.models import Contract, Customer
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Fresh statistics: an earlier test's bulk load may have analysed these tables.
        cursor.execute("ANALYZE retention_customer")
        cursor.execute("ANALYZE retention_contract")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture(autouse=True)
def _data():
    ContractFactory.create_batch(5)


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Customer.objects.filter(phone="01012345678"), "customer_phone_idx"),
        (lambda: Customer.objects.filter(alt_phone="0212345678"), "customer_alt_phone_idx"),
        (lambda: Customer.objects.filter(name__startswith="김"), "customer_name_prefix_idx"),
        (lambda: Contract.objects.filter(number="R00000001-1"), "retention_contract_number"),
        (
            lambda: Contract.objects.filter(customer_id=1, status="active"),
            "contract_customer_status_idx",
        ),
    ],
)
def test_lookup_uses_its_index(queryset, index):
    plan = _plan(queryset())
    assert "Seq Scan" not in plan, plan
    assert index in plan, plan
