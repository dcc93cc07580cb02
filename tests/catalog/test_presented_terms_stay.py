"""A catalog edit never reaches back into what a customer was told: presentations, stored
quotes and the terms applied on accepting stay as they were presented."""

import pytest

from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_accept, offer_present
from catalog.forms.offers import OfferCatalogForm
from catalog.models import Offer
from catalog.services.items import catalog_save
from catalog.services.scheduled import scheduled_changes_apply
from customers.models import Contract
from customers.quote import QuoteTerms, cancellation_quote
from tests.catalog.data import instance_data
from tests.catalog.helpers import item_edited, schedule_change

pytestmark = pytest.mark.django_db


# ---- versions never reach back into what a customer was told ----------------------------------


def test_editing_a_presented_offer_leaves_the_presentation_as_it_was(
    catalog_admin, agent, in_branch, fee_offer
):
    presented = offer_present(request_id=in_branch.pk, user=agent, offer_id=fee_offer.pk)
    before = OfferPresentation.objects.filter(pk=presented.pk).values().get()
    assert before["value"] == 3000
    assert before["terms"] == {"new_monthly_fee": 27000}

    item_edited(
        fee_offer,
        catalog_admin,
        value=5000,
        fixed_cost=7000,
        name_en="KRW 5,000 off",
        name_ko="5천원 할인",
        script_en="New words.",
    )
    fee_offer.refresh_from_db()
    assert (fee_offer.value, fee_offer.name_en) == (5000, "KRW 5,000 off")

    assert OfferPresentation.objects.filter(pk=presented.pk).values().get() == before
    request = CancellationRequest.objects.get(pk=in_branch.pk)
    assert request.quote is None
    assert request.current_presentation_id == presented.pk


def test_editing_an_offer_leaves_the_stored_quote_as_it_was(
    catalog_admin, agent, in_branch, fee_offer
):
    offer_present(request_id=in_branch.pk, user=agent, offer_id=fee_offer.pk)
    cancellation_insist(request_id=in_branch.pk, user=agent)
    quote = CancellationRequest.objects.get(pk=in_branch.pk).quote
    item_edited(fee_offer, catalog_admin, value=5000)
    assert CancellationRequest.objects.get(pk=in_branch.pk).quote == quote


def test_a_product_change_leaves_a_stored_quote_as_it_was(
    catalog_admin, agent, in_branch, contract, product, today, tomorrow
):
    cancellation_insist(request_id=in_branch.pk, user=agent)
    quote = CancellationRequest.objects.get(pk=in_branch.pk).quote
    # 30,000 a month x 16 months left of the 36-month minimum x 30%
    assert next(line for line in quote["lines"] if line["code"] == "penalty")["amount"] == 144000

    schedule_change(product, catalog_admin, today, penalty_rate_percent=50)
    schedule_change(product, catalog_admin, tomorrow, penalty_rate_percent=60, installation_fee=0)
    scheduled_changes_apply(today=tomorrow)

    contract.refresh_from_db()
    requoted = cancellation_quote(terms=QuoteTerms.for_contract(contract), effective_date=today)
    assert requoted.line("penalty") == 30000 * 16 * 60 // 100  # today's policy differs...
    assert CancellationRequest.objects.get(pk=in_branch.pk).quote == quote  # ...the quote not


# ---- accepting after an edit: the terms presented -------------------------------------------


def test_accepting_after_the_offer_was_edited_applies_the_presented_terms(
    catalog_admin, agent, walk, fee_offer, contract
):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    form = OfferCatalogForm(data=instance_data(fee_offer, value=8000), instance=fee_offer)
    catalog_save(form=form, user=catalog_admin)
    assert Offer.objects.get(pk=fee_offer.pk).value == 8000
    offer_accept(request_id=request.pk, user=agent)
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.monthly_fee == 27000  # 30,000 - the 3,000 presented, not - 8,000
    presentation = OfferPresentation.objects.get(request_id=request.pk)
    assert (presentation.value, presentation.terms) == (3000, {"new_monthly_fee": 27000})
