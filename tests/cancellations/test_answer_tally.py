"""The answer tally the ranking reads ("saved before" per sub-reason and offer): every way an
answer is given moves it exactly as a recount of the presentations would, a rolled-back
answer leaves it alone, answers given at once are all counted, and the console reads it by
key whatever the size of the history."""

import pytest
from django.db import transaction

from cancellations.models import OfferAnswerTally
from cancellations.offer_engine.ranking import offer_answers_for_reason
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_accept, offer_decline, offer_present
from cancellations.services.tally import tally_rebuild
from tests.cancellations.helpers import tally_read, tally_recount
from tests.concurrency import race
from tests.factories import ContractFactory
from tests.query_plans import query_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_the_table(walk, agent, fee_offer):
    """on_the_table() → a new financial-burden request with the fee offer presented."""

    def _make():
        request = walk("financial_burden", contract_=ContractFactory(monthly_fee=30000))
        offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
        return request

    return _make


def test_every_way_of_answering_moves_the_tally_as_a_recount_would(
    on_the_table, agent, walk, costly_offer, fee_offer
):
    offer_accept(request_id=on_the_table().pk, user=agent)
    offer_decline(request_id=on_the_table().pk, user=agent, note="Not enough.")
    cancellation_insist(request_id=on_the_table().pk, user=agent)  # the offer on the table
    waiting = walk("financial_burden", contract_=ContractFactory(monthly_fee=30000))
    offer_present(request_id=waiting.pk, user=agent, offer_id=costly_offer.pk)
    cancellation_insist(request_id=waiting.pk, user=agent)  # a withdrawn approval: no answer

    reason_id = waiting.reason_id
    assert tally_read() == tally_recount() == {(reason_id, fee_offer.pk): (1, 3)}
    assert list(offer_answers_for_reason(reason_id)) == [(fee_offer.pk, 1, 3)]


def test_an_answer_rolled_back_is_not_counted(on_the_table, agent):
    request = on_the_table()
    with pytest.raises(RuntimeError), transaction.atomic():
        offer_accept(request_id=request.pk, user=agent)
        raise RuntimeError("the save failed after the answer")
    assert tally_read() == {} == tally_recount()


def test_a_rebuild_after_a_bulk_load_gives_the_same_counts(on_the_table, agent):
    offer_accept(request_id=on_the_table().pk, user=agent)
    offer_decline(request_id=on_the_table().pk, user=agent)
    moved = tally_read()
    OfferAnswerTally.objects.all().delete()
    assert tally_rebuild() == 1
    assert tally_read() == moved == tally_recount()


@pytest.mark.django_db(transaction=True)
def test_answers_given_at_once_are_all_counted(on_the_table, agent, fee_offer):
    requests = [on_the_table() for _ in range(12)]
    outcomes = race(
        *[
            (
                lambda pk=request.pk: (
                    offer_accept(request_id=pk, user=agent)
                    if pk % 3 == 0
                    else offer_decline(request_id=pk, user=agent)
                )
            )
            for request in requests
        ]
    )
    assert all(outcome.won for outcome in outcomes), [o.error for o in outcomes]
    accepted = sum(1 for request in requests if request.pk % 3 == 0)
    assert (
        tally_read() == tally_recount() == {(requests[0].reason_id, fee_offer.pk): (accepted, 12)}
    )


def test_the_console_reads_the_tally_by_its_key():
    plan = query_plan(offer_answers_for_reason(1))
    assert "offer_tally_unique" in plan, plan
    assert "cancellations_offerpresentation" not in plan, plan
