"""Nothing lost (SPEC §7) when people act at once: two people on one request or one
contract, a double click, two steps from the same state, a stranger racing the agent.
Real threads on real database connections; each race is decided by PostgreSQL's row
lock."""

import pytest
from django.utils import timezone

from calls.choices import CallTaskKind
from calls.models import CallTask
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_accept, offer_present
from cancellations.services.opening import cancellation_open
from core.errors import Conflict, RequestAlreadyOpen, ServiceError
from core.models import AuditEntry
from customers.choices import AmendmentKind
from customers.models import Contract, ContractAmendment
from tests.cancellations.helpers import (
    request_actions,
    request_audit,
    request_fresh,
    request_history,
    request_rows,
)
from tests.concurrency import race as _race
from tests.concurrency import the_winner as _the_winner
from tests.factories import UserFactory

S = RequestState

threaded = pytest.mark.django_db(transaction=True)


def _assert_retained_once(request, contract, winner) -> None:
    request = request_fresh(request)
    assert request.state == S.RETAINED
    assert request.closed_at is not None
    contract.refresh_from_db()
    assert contract.monthly_fee == 27000
    amendment = ContractAmendment.objects.get(contract=contract)
    assert amendment.kind == AmendmentKind.FEE_ADJUSTMENT
    assert (amendment.old_monthly_fee, amendment.new_monthly_fee) == (30000, 27000)
    assert amendment.presentation_id == request.current_presentation_id
    assert amendment.created_by == winner
    follow_up = CallTask.objects.get(cancellation_request=request, kind=CallTaskKind.SAVE_FOLLOW_UP)
    assert follow_up.kind == CallTaskKind.SAVE_FOLLOW_UP
    accepted = request_audit(request).get(action="accept_offer")
    assert (accepted.source, accepted.target, accepted.user) == (
        S.OFFER_PRESENTED,
        S.RETAINED,
        winner,
    )
    assert request.current_presentation.answer == PresentationAnswer.ACCEPTED
    assert request_history(request).filter(state=S.RETAINED).count() == 1


# ---- two people, one offer -------------------------------------------------------------------


@threaded
def test_agent_and_supervisor_accepting_at_once_retain_the_customer_once(
    presented, contract, agent, supervisor
):
    people = [agent, supervisor]
    outcomes = _race(
        *[
            lambda user=user: offer_accept(
                request_id=presented.pk, user=user, expected_state=S.OFFER_PRESENTED
            )
            for user in people
        ],
        hold=request_rows(presented),
    )

    winner = _the_winner(outcomes)
    loser = outcomes[1 - winner].error
    assert type(loser) is Conflict
    assert "Someone else changed this" in str(loser)
    assert "Retained" in str(loser)  # the loser is told where the request is now
    _assert_retained_once(presented, contract, people[winner])


@pytest.mark.django_db
def test_a_second_click_on_accept_with_the_state_seen_is_a_conflict(presented, contract, agent):
    offer_accept(request_id=presented.pk, user=agent, expected_state=S.OFFER_PRESENTED)
    with pytest.raises(Conflict):
        offer_accept(request_id=presented.pk, user=agent, expected_state=S.OFFER_PRESENTED)
    _assert_retained_once(presented, contract, agent)


@pytest.mark.django_db
def test_a_second_click_on_accept_without_the_state_seen_is_refused(presented, contract, agent):
    offer_accept(request_id=presented.pk, user=agent)
    with pytest.raises(ServiceError, match="not possible") as refused:
        offer_accept(request_id=presented.pk, user=agent)
    assert not isinstance(refused.value, Conflict)
    assert refused.value.code == "illegal_transition"
    _assert_retained_once(presented, contract, agent)


@threaded
@pytest.mark.parametrize(
    ("expected_state", "refusal"),
    [(S.OFFER_PRESENTED, "conflict"), (None, "illegal_transition")],
    ids=["with-state-seen", "without-state-seen"],
)
def test_a_double_click_arriving_together_accepts_once(
    presented, contract, agent, expected_state, refusal
):
    def click():
        return offer_accept(request_id=presented.pk, user=agent, expected_state=expected_state)

    outcomes = _race(click, click, hold=request_rows(presented))

    winner = _the_winner(outcomes)
    assert outcomes[winner].value.state == S.RETAINED
    second = outcomes[1 - winner].error
    assert isinstance(second, ServiceError)
    assert second.code == refusal
    _assert_retained_once(presented, contract, agent)


# ---- two people, one contract ----------------------------------------------------------------


@threaded
def test_two_agents_opening_the_same_contract_at_once_open_one_request(contract, agent, supervisor):
    outcomes = _race(
        lambda: cancellation_open(contract_id=contract.pk, user=agent),
        lambda: cancellation_open(contract_id=contract.pk, user=supervisor),
        hold=Contract.objects.filter(pk=contract.pk),
    )

    winner = _the_winner(outcomes)
    opened = outcomes[winner].value
    refused = outcomes[1 - winner].error
    assert isinstance(refused, RequestAlreadyOpen)
    assert refused.request_id == opened.pk  # the console can take the loser there
    request = CancellationRequest.objects.get(contract=contract)
    assert request.pk == opened.pk
    assert request.agent == [agent, supervisor][winner]
    assert request_actions(request) == ["open"]
    assert AuditEntry.objects.filter(action="open").count() == 1


# ---- two different steps from the same state -------------------------------------------------


@threaded
@pytest.mark.parametrize("first", ["insist", "present"])
def test_insist_and_present_from_the_same_state_leave_only_the_winners_step(
    walk, agent, supervisor, fee_offer, first
):
    request = walk("financial_burden")
    audit_before = request_actions(request)
    steps = {
        "insist": lambda: cancellation_insist(
            request_id=request.pk, user=agent, expected_state=S.FINANCIAL_BURDEN
        ),
        "present": lambda: offer_present(
            request_id=request.pk,
            user=supervisor,
            offer_id=fee_offer.pk,
            expected_state=S.FINANCIAL_BURDEN,
        ),
    }
    order = [first, *(name for name in steps if name != first)]

    outcomes = _race(*(steps[name] for name in order), hold=request_rows(request), in_order=True)

    assert _the_winner(outcomes) == 0  # first come, first served
    loser = outcomes[1].error
    assert type(loser) is Conflict
    request = request_fresh(request)
    if first == "insist":
        assert request.state == S.CANCELLING
        assert request.quote is not None
        assert request.effective_date == timezone.localdate()
        assert not OfferPresentation.objects.filter(request=request).exists()
        assert request.offers_presented == 0
        assert request.current_presentation is None
        assert request_actions(request) == [*audit_before, "insist_on_cancelling"]
        assert "Cancelling" in str(loser)
    else:
        assert request.state == S.OFFER_PRESENTED
        presentation = OfferPresentation.objects.get(request=request)
        assert request.current_presentation == presentation
        assert presentation.answer == PresentationAnswer.PENDING
        assert request.offers_presented == 1
        assert request.quote is None
        assert request.effective_date is None
        assert request_actions(request) == [*audit_before, "present_offer"]
        assert "Offer presented" in str(loser)


# A stranger ahead of the handling agent in the queue is refused and rolls back; the agent's
# step behind it still goes through.
@threaded
def test_a_stranger_racing_the_handling_agent_changes_nothing(presented, contract, agent):
    stranger = UserFactory(username="agent-stranger", role="agent")
    outcomes = _race(
        lambda: offer_accept(
            request_id=presented.pk, user=stranger, expected_state=S.OFFER_PRESENTED
        ),
        lambda: offer_accept(request_id=presented.pk, user=agent, expected_state=S.OFFER_PRESENTED),
        hold=request_rows(presented),
        in_order=True,
    )
    assert outcomes[1].won
    assert outcomes[0].error.code == "forbidden"
    _assert_retained_once(presented, contract, agent)
