"""What the supervisors' queue and the floor read every few seconds goes through a partial
index over the open items: on a book shaped like a real one (thousands of closed
requests and claims, a handful open, statistics fresh), it is the planner's cheapest plan
on any PostgreSQL version the project runs on (the machine's 15, the embedded 18)."""

import pytest
from django.db import connection

from claims.services.opening import claim_open
from tests.factories import ContractFactory
from tests.query_plans import query_plan

pytestmark = pytest.mark.django_db


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
    plan = query_plan(queryset, seqscan=True)
    assert "Seq Scan" not in plan, plan
    assert any(f"using {index} " in plan for index in indexes), plan
