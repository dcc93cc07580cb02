"""Nothing lost (SPEC §7) when a step is stale or fails: a stale copy cannot save over a
newer state, the database refuses a second amendment, and an accept failing halfway
leaves nothing behind."""

import pytest
from django.db import IntegrityError, transaction
from django_fsm import ConcurrentTransition

from calls.models import CallTask
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import CancellationRequest
from cancellations.services import closing
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_accept, offer_present
from catalog.choices import OfferKind
from core.errors import Conflict, ServiceError
from customers.choices import AmendmentKind
from customers.models import ContractAmendment
from tests.cancellations.helpers import (
    request_actions,
    request_audit,
    request_fresh,
    request_history,
    request_rows,
)
from tests.concurrency import race as _race
from tests.factories import OfferFactory

S = RequestState

threaded = pytest.mark.django_db(transaction=True)


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
    return request_fresh(request)


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

    kept = request_fresh(request)
    assert kept.state == S.CANCELLING
    assert kept.closed_at is None


@pytest.mark.django_db
def test_a_service_whose_row_went_stale_before_saving_reports_a_conflict_and_changes_nothing(
    walk, agent, monkeypatch
):
    """The row lock makes this impossible from outside; a write in between on the same
    connection stands in for it, to show `ConcurrentTransition` becomes `Conflict`."""
    request = walk("financial_burden")
    audit_before = request_actions(request)
    quote_for = closing._quote_for

    def quote_then_someone_moves_the_request(locked, effective_date):
        quote = quote_for(locked, effective_date)
        CancellationRequest.objects.filter(pk=locked.pk).update(state=S.WITHDRAWN)
        return quote

    monkeypatch.setattr(closing, "_quote_for", quote_then_someone_moves_the_request)
    with pytest.raises(Conflict, match="at the same moment"):
        cancellation_insist(request_id=request.pk, user=agent)

    kept = request_fresh(request)  # the whole transaction rolled back, the interloper's write too
    assert kept.state == S.FINANCIAL_BURDEN
    assert kept.quote is None
    assert request_actions(request) == audit_before


# ---- the database as the last line -----------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_amendment_for_the_same_presentation(
    presented, contract, agent, today
):
    presentation = request_fresh(presented).current_presentation

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
    kept = request_fresh(request)
    assert kept.state == S.OFFER_PRESENTED
    assert kept.closed_at is None
    presentation = kept.current_presentation
    assert presentation.answer == PresentationAnswer.PENDING
    assert presentation.answered_at is None
    assert not ContractAmendment.objects.filter(contract=contract).exists()
    assert not CallTask.objects.filter(cancellation_request=kept).exists()
    assert "accept_offer" not in request_actions(kept)
    assert not request_history(kept).filter(state=S.RETAINED).exists()


@threaded
def test_an_accept_failing_halfway_in_its_thread_leaves_nothing_behind(
    relocation_presented, contract, agent
):
    request = relocation_presented
    audit_before = request_actions(request)

    (outcome,) = _race(
        lambda: offer_accept(request_id=request.pk, user=agent, expected_state=S.OFFER_PRESENTED)
    )

    assert isinstance(outcome.error, ServiceError)
    assert outcome.error.code == "address"
    _assert_untouched_by_the_failed_accept(request, contract)
    assert request_actions(request) == audit_before
    # and nothing is stuck: with the address the same step goes through
    offer_accept(
        request_id=request.pk,
        user=agent,
        new_address="Seoul, Mapo-gu 12",
        expected_state=S.OFFER_PRESENTED,
    )
    assert request_fresh(request).state == S.RETAINED
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
            _race(*(steps[name] for name in order), hold=request_rows(request), in_order=True),
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
    kept = request_fresh(request)
    assert kept.state == S.RETAINED
    amendment = ContractAmendment.objects.get(contract=contract)
    assert (amendment.kind, amendment.new_address) == (
        AmendmentKind.RELOCATION,
        "Busan, Haeundae-gu 7",
    )
    assert amendment.created_by == supervisor
    assert CallTask.objects.filter(cancellation_request=kept, kind="save_follow_up").count() == 1
    accepted = request_audit(kept).get(action="accept_offer")
    assert accepted.user == supervisor
    assert request_history(kept).filter(state=S.RETAINED).count() == 1
