"""Opening a cancellation request (one open request per contract, by the people who take
calls) and identifying the reason, which picks the branch; refusals leave the state as
it was."""

import pytest

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from cancellations.services.closing import cancellation_withdraw
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from core.errors import NotPermitted, RequestAlreadyOpen, ServiceError
from customers.choices import ContractStatus
from tests.cancellations.helpers import audit_trail, request_state
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

S = RequestState


# ---- opening -------------------------------------------------------------------------------


def test_open_creates_a_request_for_the_contract_and_audits_it(agent, contract):
    request = cancellation_open(contract_id=contract.pk, user=agent)
    assert request.state == S.OPENED
    assert request.customer_id == contract.customer_id
    assert request.agent == agent
    assert audit_trail(request) == [("open", "", "opened")]


def test_a_second_open_request_for_the_same_contract_is_refused(opened, agent, contract):
    with pytest.raises(RequestAlreadyOpen) as refused:
        cancellation_open(contract_id=contract.pk, user=agent)
    assert refused.value.request_id == opened.pk
    assert CancellationRequest.objects.count() == 1


def test_the_database_itself_refuses_two_open_requests(opened, agent, contract):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CancellationRequest.objects.create(
            contract=contract, customer=contract.customer, agent=agent
        )


@pytest.mark.parametrize("status", [ContractStatus.CANCELLED, ContractStatus.ENDED])
def test_a_closed_contract_cannot_be_cancelled_again(agent, status, today):
    contract = ContractFactory(status=status, cancelled_on=today)
    with pytest.raises(ServiceError, match="nothing left to cancel"):
        cancellation_open(contract_id=contract.pk, user=agent)
    assert not CancellationRequest.objects.exists()


def test_opening_an_unknown_contract_is_a_clear_error(agent):
    with pytest.raises(ServiceError, match="does not exist"):
        cancellation_open(contract_id=999999, user=agent)


def test_catalog_admins_do_not_take_calls(catalog_admin, contract):
    with pytest.raises(NotPermitted):
        cancellation_open(contract_id=contract.pk, user=catalog_admin)


def test_after_a_final_outcome_a_new_request_may_be_opened(opened, agent, contract):
    cancellation_withdraw(request_id=opened.pk, user=agent)
    again = cancellation_open(contract_id=contract.pk, user=agent)
    assert again.pk != opened.pk


# ---- identify the reason ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "target"),
    [
        ("product_quality", S.DISSATISFIED),
        ("price_value", S.DISSATISFIED),
        ("fee_burden", S.FINANCIAL_BURDEN),
        ("relocation", S.CONTRACT_CHANGE),
        ("competitor_cheaper", S.COMPETITOR),
        ("emigration", S.CANCELLING),
        ("death", S.CANCELLING),
    ],
)
def test_identify_reason_branches_by_category(opened, agent, reason, code, target):
    request = cancellation_identify_reason(
        request_id=opened.pk, user=agent, reason_id=reason(code).pk, competitor_name="Rival"
    )
    assert request.state == target
    assert request_state(request) == target
    assert request.branch == (target if target != S.CANCELLING else "")
    assert audit_trail(request)[-1] == ("identify_reason", "opened", target)


def test_an_unknown_reason_is_refused_and_nothing_changes(opened, agent):
    with pytest.raises(ServiceError, match="Choose a reason"):
        cancellation_identify_reason(request_id=opened.pk, user=agent, reason_id=424242)
    assert request_state(opened) == S.OPENED


def test_a_retired_reason_is_refused(opened, agent, reason):
    retired = reason("long_absence")
    retired.is_active = False
    retired.save()
    with pytest.raises(ServiceError, match="Choose a reason"):
        cancellation_identify_reason(request_id=opened.pk, user=agent, reason_id=retired.pk)
    assert request_state(opened) == S.OPENED


def test_competitor_branch_needs_the_competitor_named(opened, agent, reason):
    with pytest.raises(ServiceError, match="which competitor"):
        cancellation_identify_reason(
            request_id=opened.pk, user=agent, reason_id=reason("competitor_gift").pk
        )
    assert request_state(opened) == S.OPENED
    request = cancellation_identify_reason(
        request_id=opened.pk,
        user=agent,
        reason_id=reason("competitor_gift").pk,
        competitor_name="Rival Rentals",
        competitor_offer="A free air purifier for signing",
    )
    assert request.state == S.COMPETITOR
    assert request.competitor_offer == "A free air purifier for signing"


def test_identify_reason_twice_is_refused(walk, agent, reason):
    request = walk("financial_burden")
    with pytest.raises(ServiceError, match="not possible"):
        cancellation_identify_reason(
            request_id=request.pk, user=agent, reason_id=reason("emigration").pk
        )
    assert request_state(request) == S.FINANCIAL_BURDEN
