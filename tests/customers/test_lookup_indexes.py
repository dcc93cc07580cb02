"""A lookup by phone, name or contract number during a live call is served by an index,
never by a scan (the tables are tiny, so sequential scans are disabled; a lookup that
still scans has no index it can use)."""

import pytest

from customers.models import Contract, Customer
from tests.factories import ContractFactory
from tests.query_plans import query_plan

pytestmark = pytest.mark.django_db


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
    plan = query_plan(queryset())
    assert "Seq Scan" not in plan, plan
    assert index in plan, plan
