"""The live-call lookups are served by indexes, never by a scan of a big table.

Two kinds of guarantee. For a lookup by phone, name or number: an index exists that serves
it (the tables are tiny, so sequential scans are disabled; a lookup that still scans has no
index it can use). For what the queue and the floor read every few seconds: on a book shaped
like a real one (thousands of closed requests and claims, a handful open, statistics fresh),
the planner's cheapest plan goes through a partial index over the open items, on any
PostgreSQL version the project runs on (the machine's 15, the embedded 18).
"""

import pytest
from django.db import connection

from claims.services.opening import claim_open
from customers.models import Contract, Customer
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db
TABLES = [
    "customers_customer",
    "customers_contract",
    "cancellations_cancellationrequest",
    "claims_claim",
]


def _plan(queryset, *, seqscan: bool = False) -> str:
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


def _copies(instance, count: int, **overrides) -> None:
    """`count` copies of a saved row, with `overrides` (column: SQL value), in one INSERT."""
    model = type(instance)
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [overrides.get(column, f'"{column}"') for column in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) '
            f'SELECT {", ".join(values)} FROM "{model._meta.db_table}", '
            "generate_series(1, %s) WHERE id = %s",
            [count, instance.pk],
        )


@pytest.fixture
def closed_book(agent):
    """Like a real book: 20,000 closed requests and claims for every open one."""
    from cancellations.services.opening import cancellation_open

    contract = ContractFactory()
    request = cancellation_open(contract_id=contract.pk, user=agent)
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leak")
    _copies(request, 20_000, state="'cancelled'", closed_at="now()")
    _copies(claim, 20_000, state="'closed'", closed_at="now()")


@pytest.fixture(autouse=True)
def _data():
    ContractFactory.create_batch(5)


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Customer.objects.filter(phone="01012345678"), "customer_phone_idx"),
        (lambda: Customer.objects.filter(alt_phone="0212345678"), "customer_alt_phone_idx"),
        (lambda: Customer.objects.filter(name__startswith="김"), "customer_name_prefix_idx"),
        (lambda: Contract.objects.filter(number="R00000001-1"), "customers_contract_number"),
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


def _queue_and_floor_reads():
    """What the supervisors' queue and the floor read every few seconds (the open items)."""
    from django.db.models import Q
    from django.utils import timezone

    from cancellations.models import LIVE_STATES, OPEN_STATES, CancellationRequest
    from claims.models import OPEN_STATES as CLAIM_OPEN
    from claims.models import Claim

    now = timezone.now()
    open_requests = ["one_open_request_per_contract"]
    return [
        (
            CancellationRequest.objects.filter(
                manager_requested_at__isnull=False, state__in=OPEN_STATES
            ),
            open_requests,
        ),
        (CancellationRequest.objects.filter(state__in=LIVE_STATES), open_requests),
        (
            CancellationRequest.objects.filter(state="awaiting_approval"),
            ["request_awaiting_idx", *open_requests],
        ),
        (
            Claim.objects.exclude(state="closed").filter(manager_requested_at__isnull=False),
            ["claim_open_idx"],
        ),
        (
            Claim.objects.exclude(state__in=["closed", "escalated"]).filter(
                Q(flagged_at__isnull=False) | Q(promised_deadline__lt=now)
            ),
            ["claim_open_idx", "claim_open_deadline_idx", "claim_flagged_idx"],
        ),
        (Claim.objects.filter(state__in=CLAIM_OPEN), ["claim_open_idx"]),
    ]


@pytest.mark.parametrize("position", range(6))
def test_the_queue_and_floor_read_only_the_open_items(closed_book, position):
    """A book of a million closed requests must not be scanned every two seconds: each read
    goes through an index over the open items only (a partial index), chosen by the planner
    as the cheapest plan (sequential scans allowed)."""
    queryset, indexes = _queue_and_floor_reads()[position]
    plan = _plan(queryset, seqscan=True)
    assert "Seq Scan" not in plan, plan
    assert any(f"using {index} " in plan for index in indexes), plan


def test_the_consoles_acceptance_history_is_read_from_its_index_alone():
    """How often each offer saved customers with this sub-reason, for the ranking on every
    console page: an index-only scan of presentation_stats_idx, no join, whatever the
    history (at a million closed requests this was 0.4 s with the join, 20 ms without)."""
    from cancellations.offer_engine.ranking import offer_answers_for_reason

    plan = _plan(offer_answers_for_reason(1))
    assert "Index Only Scan using presentation_stats_idx" in plan, plan
    assert "Join" not in plan and "cancellations_cancellationrequest" not in plan, plan
