"""Nothing lost (SPEC §7): two people acting on one request, a double click, a step that fails
halfway. Real threads on real database connections; each race is decided by PostgreSQL's row
locks, and exactly one step wins while every other is refused with nothing changed."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_fsm import ConcurrentTransition

from calls.choices import CallTaskKind
from calls.models import CallTask
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.services import closing
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_accept, offer_present
from cancellations.services.opening import cancellation_open
from catalog.choices import OfferKind
from core.errors import Conflict, RequestAlreadyOpen, ServiceError
from core.models import AuditEntry
from customers.choices import AmendmentKind
from customers.models import Contract, ContractAmendment
from tests.concurrency import race as _race
from tests.concurrency import the_winner as _the_winner
from tests.factories import OfferFactory, UserFactory

S = RequestState
threaded = pytest.mark.django_db(transaction=True)


# ---- racing threads (tests/concurrency.py) ----------------------------------------------------


def _locked(request) -> QuerySet:
    return CancellationRequest.objects.filter(pk=request.pk)


# ---- reading back ----------------------------------------------------------------------------


def _fresh(request) -> CancellationRequest:
    return CancellationRequest.objects.get(pk=request.pk)


def _audit(request) -> QuerySet:
    return AuditEntry.objects.filter(
        subject_type=ContentType.objects.get_for_model(CancellationRequest),
        subject_id=request.pk,
    ).order_by("pk")


def _actions(request) -> list[str]:
    return list(_audit(request).values_list("action", flat=True))


def _request_history(request) -> QuerySet:
    return apps.get_model("cancellations", "CancellationRequestEvent").objects.filter(
        pgh_obj_id=request.pk
    )


@pytest.fixture
def presented(walk, agent, fee_offer):
    """A financial-burden request with KRW 3,000 off the fee on the table."""
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    return _fresh(request)


@pytest.fixture
def relocation_offer(db):
    """Move the product to the new home: needs the new address when accepted."""
    return OfferFactory(
        code="RELOCATE",
        kind=OfferKind.CONTRACT_CHANGE,
        new_term_months=None,
        reason_categories=["contract_change"],
    )


@pytest.fixture
def relocation_presented(walk, agent, relocation_offer):
    request = walk("contract_change")
    offer_present(request_id=request.pk, user=agent, offer_id=relocation_offer.pk)
    return _fresh(request)


def _assert_retained_once(request, contract, winner) -> None:
    request = _fresh(request)
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
    accepted = _audit(request).get(action="accept_offer")
    assert (accepted.source, accepted.target, accepted.user) == (
        S.OFFER_PRESENTED,
        S.RETAINED,
        winner,
    )
    assert request.current_presentation.answer == PresentationAnswer.ACCEPTED
    assert _request_history(request).filter(state=S.RETAINED).count() == 1


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
        hold=_locked(presented),
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

    outcomes = _race(click, click, hold=_locked(presented))

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
    assert _actions(request) == ["open"]
    assert AuditEntry.objects.filter(action="open").count() == 1


# ---- two different steps from the same state -------------------------------------------------


@threaded
@pytest.mark.parametrize("first", ["insist", "present"])
def test_insist_and_present_from_the_same_state_leave_only_the_winners_step(
    walk, agent, supervisor, fee_offer, first
):
    request = walk("financial_burden")
    audit_before = _actions(request)
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

    outcomes = _race(*(steps[name] for name in order), hold=_locked(request), in_order=True)

    assert _the_winner(outcomes) == 0  # first come, first served
    loser = outcomes[1].error
    assert type(loser) is Conflict
    request = _fresh(request)
    if first == "insist":
        assert request.state == S.CANCELLING
        assert request.quote is not None
        assert request.effective_date == timezone.localdate()
        assert not OfferPresentation.objects.filter(request=request).exists()
        assert request.offers_presented == 0
        assert request.current_presentation is None
        assert _actions(request) == [*audit_before, "insist_on_cancelling"]
        assert "Cancelling" in str(loser)
    else:
        assert request.state == S.OFFER_PRESENTED
        presentation = OfferPresentation.objects.get(request=request)
        assert request.current_presentation == presentation
        assert presentation.answer == PresentationAnswer.PENDING
        assert request.offers_presented == 1
        assert request.quote is None
        assert request.effective_date is None
        assert _actions(request) == [*audit_before, "present_offer"]
        assert "Offer presented" in str(loser)


# ---- a stale copy ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "stale_step",
    ["insist_on_cancelling", "withdraw"],
)
def test_a_stale_copy_cannot_save_a_transition_over_a_newer_state(walk, stale_step):
    request = walk("financial_burden")
    first = CancellationRequest.objects.get(pk=request.pk)
    second = CancellationRequest.objects.get(pk=request.pk)

    with transaction.atomic():
        first.insist_on_cancelling()
        first.save()
    getattr(second, stale_step)()  # legal from the state this copy last saw
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()

    kept = _fresh(request)
    assert kept.state == S.CANCELLING
    assert kept.closed_at is None


@pytest.mark.django_db
def test_a_service_whose_row_went_stale_before_saving_reports_a_conflict_and_changes_nothing(
    walk, agent, monkeypatch
):
    """The row lock makes this impossible from outside; a write in between on the same
    connection stands in for it, to show `ConcurrentTransition` becomes `Conflict`."""
    request = walk("financial_burden")
    audit_before = _actions(request)
    quote_for = closing._quote_for

    def quote_then_someone_moves_the_request(locked, effective_date):
        quote = quote_for(locked, effective_date)
        CancellationRequest.objects.filter(pk=locked.pk).update(state=S.WITHDRAWN)
        return quote

    monkeypatch.setattr(closing, "_quote_for", quote_then_someone_moves_the_request)
    with pytest.raises(Conflict, match="at the same moment"):
        cancellation_insist(request_id=request.pk, user=agent)

    kept = _fresh(request)  # the whole transaction rolled back, the interloper's write too
    assert kept.state == S.FINANCIAL_BURDEN
    assert kept.quote is None
    assert _actions(request) == audit_before


# ---- the database as the last line -----------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_amendment_for_the_same_presentation(
    presented, contract, agent, today
):
    presentation = _fresh(presented).current_presentation

    def amend():
        return ContractAmendment.objects.create(
            contract=contract,
            kind=AmendmentKind.BENEFIT,
            effective_date=today,
            presentation=presentation,
            created_by=agent,
        )

    amend()
    with (
        pytest.raises(IntegrityError, match="amendment_once_per_presentation"),
        transaction.atomic(),
    ):
        amend()
    assert ContractAmendment.objects.filter(presentation=presentation).count() == 1
    # amendments that carry out no offer are not limited
    for _ in range(2):
        ContractAmendment.objects.create(
            contract=contract, kind=AmendmentKind.BENEFIT, effective_date=today
        )
    assert ContractAmendment.objects.filter(contract=contract).count() == 3


# ---- a step that fails halfway ---------------------------------------------------------------


def _assert_untouched_by_the_failed_accept(request, contract) -> None:
    kept = _fresh(request)
    assert kept.state == S.OFFER_PRESENTED
    assert kept.closed_at is None
    presentation = kept.current_presentation
    assert presentation.answer == PresentationAnswer.PENDING
    assert presentation.answered_at is None
    assert not ContractAmendment.objects.filter(contract=contract).exists()
    assert not CallTask.objects.filter(cancellation_request=kept).exists()
    assert "accept_offer" not in _actions(kept)
    assert not _request_history(kept).filter(state=S.RETAINED).exists()


@threaded
def test_an_accept_failing_halfway_in_its_thread_leaves_nothing_behind(
    relocation_presented, contract, agent
):
    request = relocation_presented
    audit_before = _actions(request)

    (outcome,) = _race(
        lambda: offer_accept(request_id=request.pk, user=agent, expected_state=S.OFFER_PRESENTED)
    )

    assert isinstance(outcome.error, ServiceError)
    assert outcome.error.code == "address"
    _assert_untouched_by_the_failed_accept(request, contract)
    assert _actions(request) == audit_before
    # and nothing is stuck: with the address the same step goes through
    offer_accept(
        request_id=request.pk,
        user=agent,
        new_address="Seoul, Mapo-gu 12",
        expected_state=S.OFFER_PRESENTED,
    )
    assert _fresh(request).state == S.RETAINED
    assert ContractAmendment.objects.get(contract=contract).new_address == "Seoul, Mapo-gu 12"


@threaded
@pytest.mark.parametrize("first", ["failing", "complete"])
def test_an_accept_failing_halfway_beside_a_complete_one_leaves_exactly_the_complete_one(
    relocation_presented, contract, agent, supervisor, first
):
    request = relocation_presented
    steps = {
        "failing": lambda: offer_accept(
            request_id=request.pk, user=agent, expected_state=S.OFFER_PRESENTED
        ),
        "complete": lambda: offer_accept(
            request_id=request.pk,
            user=supervisor,
            new_address="Busan, Haeundae-gu 7",
            expected_state=S.OFFER_PRESENTED,
        ),
    }
    order = [first, *(name for name in steps if name != first)]

    outcomes = dict(
        zip(
            order,
            _race(*(steps[name] for name in order), hold=_locked(request), in_order=True),
            strict=True,
        )
    )

    assert outcomes["complete"].won
    failed = outcomes["failing"].error
    # Failing first, it rolls back and the complete accept still finds the offer on the
    # table; failing second, it finds the customer already retained.
    assert (type(failed), failed.code) == (
        (ServiceError, "address") if first == "failing" else (Conflict, "conflict")
    )
    kept = _fresh(request)
    assert kept.state == S.RETAINED
    amendment = ContractAmendment.objects.get(contract=contract)
    assert (amendment.kind, amendment.new_address) == (
        AmendmentKind.RELOCATION,
        "Busan, Haeundae-gu 7",
    )
    assert amendment.created_by == supervisor
    assert CallTask.objects.filter(cancellation_request=kept, kind="save_follow_up").count() == 1
    accepted = _audit(kept).get(action="accept_offer")
    assert accepted.user == supervisor
    assert _request_history(kept).filter(state=S.RETAINED).count() == 1


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
        hold=_locked(presented),
        in_order=True,
    )
    assert outcomes[1].won
    assert outcomes[0].error.code == "forbidden"
    _assert_retained_once(presented, contract, agent)
