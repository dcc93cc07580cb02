"""The ways a rushed or curious user could get around the claim rules, each refused."""

import uuid

import pytest

from claims.services.compensation import compensation_propose
from claims.services.opening import claim_open
from claims.services.steps import (
    claim_apologize,
    claim_escalate,
    claim_identify_cause,
    claim_instruct,
    claim_listen,
)
from core.errors import NotPermitted, ServiceError

pytestmark = pytest.mark.django_db


def test_a_supervisor_cannot_instruct_a_claim_they_escalated(agent, supervisor, contract):
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Leak")
    claim_apologize(claim_id=claim.pk, user=supervisor)
    claim_listen(claim_id=claim.pk, user=supervisor, account="It leaks")
    claim_identify_cause(
        claim_id=claim.pk, user=supervisor, root_cause="installation", description="Hose"
    )
    claim_escalate(claim_id=claim.pk, user=supervisor, note="Needs a part")
    with pytest.raises(NotPermitted):
        claim_instruct(claim_id=claim.pk, user=supervisor, instruction="Do it")


def test_splitting_a_refund_still_reaches_a_supervisor(agent, contract, settings):
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Late")
    limit = settings.CLAIMS_COMPENSATION_APPROVAL_THRESHOLD
    first = compensation_propose(claim_id=claim.pk, user=agent, form="refund", amount=limit)
    second = compensation_propose(claim_id=claim.pk, user=agent, form="voucher", amount=1000)
    assert (first.status, second.status) == ("approved", "awaiting_approval")


def test_a_double_click_on_give_gives_once(agent, contract):
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Late")
    for _ in range(2):
        compensation_propose(claim_id=claim.pk, user=agent, form="refund", amount=1000)
    assert claim.compensations.count() == 1


def test_a_double_submitted_claim_is_opened_once(agent, contract):
    key = uuid.uuid4()
    opened = [
        claim_open(customer_id=contract.customer_id, user=agent, subject="Noise", submission=key)
        for _ in range(2)
    ]
    assert contract.customer.claims.count() == 1
    assert opened[0] == opened[1]


def test_a_key_sent_by_someone_else_creates_nothing(agent, supervisor, contract):
    key = uuid.uuid4()
    claim_open(customer_id=contract.customer_id, user=agent, subject="A", submission=key)
    with pytest.raises(ServiceError, match="already sent"):
        claim_open(customer_id=contract.customer_id, user=supervisor, subject="B", submission=key)
    assert contract.customer.claims.count() == 1
