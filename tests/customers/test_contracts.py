"""A contract's months served and left, and its history of changes with who made them."""

from datetime import date

import pghistory
import pytest
from django.db import transaction

from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def test_tenure_and_remaining_months():
    contract = ContractFactory(start_date=date(2024, 3, 10), term_months=36)
    assert contract.tenure_months(date(2025, 3, 10)) == 12
    assert contract.remaining_months(date(2025, 3, 10)) == 24
    assert contract.remaining_months(date(2030, 1, 1)) == 0


def test_contract_changes_are_recorded_with_the_acting_user(agent):
    contract = ContractFactory(monthly_fee=30000)
    with pghistory.context(user=agent.pk):
        contract.monthly_fee = 27000
        contract.save(update_fields=["monthly_fee", "updated_at"])
    event = contract.events.get()
    assert event.pgh_label == "update"
    assert event.monthly_fee == 27000
    assert event.pgh_context.metadata["user"] == agent.pk


def test_a_rolled_back_change_leaves_no_history():
    contract = ContractFactory(monthly_fee=30000)
    with pytest.raises(RuntimeError), transaction.atomic():
        contract.monthly_fee = 1
        contract.save(update_fields=["monthly_fee", "updated_at"])
        raise RuntimeError
    assert not contract.events.exists()
