"""Fixtures for the claim tests: a customer with a contract, claims opened and walked to a
step by the real services, people who may or may not act on them, and a stopped clock."""

import pytest
import time_machine

from accounts.roles import Role
from claims.choices import CustomerResponse
from claims.services.opening import claim_open
from tests.claims.helpers import T0, walk_to
from tests.factories import ContractFactory, UserFactory


@pytest.fixture
def contract(db):
    return ContractFactory()


@pytest.fixture
def customer(contract):
    return contract.customer


@pytest.fixture
def stranger(db):
    """An agent who does not handle the claims in these tests."""
    return UserFactory(username="agent-choi", role=Role.AGENT)


@pytest.fixture
def other_supervisor(db):
    return UserFactory(username="supervisor-han", role=Role.SUPERVISOR)


@pytest.fixture
def open_claim(agent, contract):
    """open_claim() → a received claim about `contract`, handled by `agent` unless told."""

    def _open(*, user=None, contract_=None, subject="The purifier leaks"):
        contract_ = contract_ or contract
        return claim_open(
            customer_id=contract_.customer_id,
            contract_id=contract_.pk,
            user=user or agent,
            subject=subject,
        )

    return _open


@pytest.fixture
def walk(open_claim, agent):
    """walk(state) → a new claim walked to `state` by its handling agent, read back fresh."""

    def _walk(state, *, user=None, response=CustomerResponse.AGREED, contract_=None):
        user = user or agent
        claim = open_claim(user=user, contract_=contract_)
        return walk_to(claim, state, user=user, response=response)

    return _walk


@pytest.fixture
def clock():
    """Time stands still at T0 until the test moves it (`clock.move_to(...)`)."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller
