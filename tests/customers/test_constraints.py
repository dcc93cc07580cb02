"""The database keeps customers, products, contracts and amendments consistent: each rule
is a constraint that refuses a bad row, and a customer with contracts is never deleted."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from customers.choices import AmendmentKind, ContractStatus
from customers.models import ContractAmendment
from tests.factories import ContractFactory, CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _violates(constraint_name, make):
    with pytest.raises(IntegrityError, match=constraint_name), transaction.atomic():
        make()


def test_phone_must_be_stored_normalised():
    _violates("customer_phone_normalised", lambda: CustomerFactory(phone="010-1234-5678"))


def test_a_cancelled_contract_needs_its_effective_date():
    _violates(
        "contract_cancelled_has_date",
        lambda: ContractFactory(status=ContractStatus.CANCELLED, cancelled_on=None),
    )


def test_penalty_rate_cannot_exceed_100_percent():
    _violates("product_penalty_rate_lte_100", lambda: ProductFactory(penalty_rate_percent=101))


def test_standard_term_cannot_be_shorter_than_minimum_term():
    _violates(
        "product_terms_consistent",
        lambda: ProductFactory(minimum_term_months=36, default_term_months=24),
    )


def test_contract_numbers_are_unique():
    ContractFactory(number="R1")
    _violates("number", lambda: ContractFactory(number="R1"))


@pytest.mark.parametrize(
    ("kind", "constraint"),
    [
        (AmendmentKind.FEE_ADJUSTMENT, "amendment_fee_adjustment_has_fees"),
        (AmendmentKind.PRODUCT_CHANGE, "amendment_product_change_has_products"),
        (AmendmentKind.TERM_CHANGE, "amendment_term_change_has_terms"),
        (AmendmentKind.RELOCATION, "amendment_relocation_has_address"),
        (AmendmentKind.PAUSE, "amendment_pause_has_end"),
    ],
)
def test_each_amendment_kind_requires_its_own_fields(kind, constraint):
    contract = ContractFactory()
    _violates(
        constraint,
        lambda: ContractAmendment.objects.create(
            contract=contract, kind=kind, effective_date=date(2026, 1, 1)
        ),
    )


def test_a_complete_fee_adjustment_is_stored():
    contract = ContractFactory(monthly_fee=30000)
    amendment = ContractAmendment.objects.create(
        contract=contract,
        kind=AmendmentKind.FEE_ADJUSTMENT,
        effective_date=date(2026, 1, 1),
        old_monthly_fee=30000,
        new_monthly_fee=25000,
    )
    assert contract.amendments.get() == amendment


def test_deleting_a_customer_with_contracts_is_refused():
    from django.db.models import ProtectedError

    contract = ContractFactory()
    with pytest.raises(ProtectedError):
        contract.customer.delete()
