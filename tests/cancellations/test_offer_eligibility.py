"""The offer engine's eligibility rules, each both ways, with the reason an agent reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cancellations.choices import PresentationAnswer
from cancellations.models import OfferPresentation
from cancellations.offer_engine.loading import offers_for_request
from cancellations.services.offers import offer_accept, offer_decline, offer_present
from catalog.choices import ReasonCategory
from customers.choices import ContractStatus, ProductCategory, ValueTier
from tests.cancellations.helpers import (
    assert_eligible,
    assert_refused,
    evaluate,
    presentation_row,
    request_as_loaded,
)
from tests.factories import CancellationRequestFactory, ContractFactory, OfferFactory

pytestmark = pytest.mark.django_db


# ---- eligibility: each rule both ways -------------------------------------------------------


def test_an_active_offer_is_eligible(walk):
    offer = OfferFactory(is_active=True)
    assert_eligible(evaluate(walk("financial_burden"), offer))


def test_a_retired_offer_is_refused_and_left_out_of_the_list(walk):
    retired = OfferFactory(code="RETIRED", is_active=False)
    request = walk("financial_burden")
    assert_refused(evaluate(request, retired), "The offer is retired.")
    assert [e.offer.code for e in offers_for_request(request=request)] == []
    listed = offers_for_request(request=request, include_ineligible=True)
    assert [(e.offer.code, e.why_not) for e in listed] == [("RETIRED", ["The offer is retired."])]


def test_an_offer_whose_window_has_opened_is_eligible(walk):
    offer = OfferFactory(active_from=timezone.now() - timedelta(hours=1))
    assert_eligible(evaluate(walk("financial_burden"), offer))


def test_an_offer_is_eligible_from_the_first_moment_of_its_window(walk):
    start = timezone.now() + timedelta(days=3)
    offer = OfferFactory(active_from=start)
    assert_eligible(evaluate(walk("financial_burden"), offer, now=start))


def test_an_offer_not_active_yet_is_refused(walk):
    offer = OfferFactory(active_from=timezone.now() + timedelta(hours=1))
    assert_refused(evaluate(walk("financial_burden"), offer), "The offer is not active yet.")


def test_an_offer_before_its_end_is_eligible(walk):
    offer = OfferFactory(active_until=timezone.now() + timedelta(hours=1))
    assert_eligible(evaluate(walk("financial_burden"), offer))


def test_an_expired_offer_is_refused(walk):
    offer = OfferFactory(active_until=timezone.now() - timedelta(minutes=1))
    assert_refused(evaluate(walk("financial_burden"), offer), "The offer has expired.")


def test_an_offer_expires_at_the_moment_its_window_ends(walk):
    end = timezone.now() + timedelta(days=3)
    offer = OfferFactory(active_until=end)
    assert_refused(evaluate(walk("financial_burden"), offer, now=end), "The offer has expired.")


def test_an_offer_for_the_requests_reason_category_is_eligible(walk):
    offer = OfferFactory(reason_categories=[ReasonCategory.DISSATISFACTION])
    assert_eligible(evaluate(walk("dissatisfied"), offer))


def test_an_offer_for_another_reason_category_is_refused_and_left_out(walk):
    offer = OfferFactory(code="DISSAT", reason_categories=[ReasonCategory.DISSATISFACTION])
    request = walk("financial_burden")
    assert_refused(evaluate(request, offer), "It does not answer this reason category.")
    assert offers_for_request(request=request) == []


def test_an_offer_restricted_to_the_requests_sub_reason_is_eligible(walk, reason):
    offer = OfferFactory(reasons=[reason("fee_burden"), reason("income_drop")])
    assert_eligible(evaluate(walk("financial_burden"), offer))  # reason: fee_burden


def test_an_offer_restricted_to_other_sub_reasons_is_refused(walk, reason):
    offer = OfferFactory(reasons=[reason("income_drop")])
    request = walk("financial_burden")  # reason: fee_burden
    assert_refused(evaluate(request, offer), "It answers other sub-reasons only.")
    listed = offers_for_request(request=request, include_ineligible=True)
    assert listed[0].why_not == ["It answers other sub-reasons only."]


def test_an_offer_needing_exactly_the_customers_tenure_is_eligible(walk):
    offer = OfferFactory(min_tenure_months=20)
    assert_eligible(evaluate(walk("financial_burden"), offer))


def test_an_offer_needing_more_tenure_is_refused(walk):
    offer = OfferFactory(min_tenure_months=21)
    assert_refused(
        evaluate(walk("financial_burden"), offer), "It needs 21 months of tenure (now 20)."
    )


def test_an_offer_for_customers_up_to_their_tenure_is_eligible(walk):
    offer = OfferFactory(max_tenure_months=20)
    assert_eligible(evaluate(walk("financial_burden"), offer))


def test_an_offer_for_newer_customers_is_refused(walk):
    offer = OfferFactory(max_tenure_months=19)
    assert_refused(
        evaluate(walk("financial_burden"), offer),
        "It is for customers with at most 19 months of tenure.",
    )


def test_an_offer_for_the_products_category_is_eligible(walk):
    offer = OfferFactory(product_categories=[ProductCategory.WATER_PURIFIER, ProductCategory.BIDET])
    assert_eligible(evaluate(walk("financial_burden"), offer))


def test_an_offer_for_other_product_categories_is_refused(walk):
    offer = OfferFactory(product_categories=[ProductCategory.BIDET])
    assert_refused(
        evaluate(walk("financial_burden"), offer), "It is not for this product category."
    )


def test_an_offer_for_the_customers_value_tier_is_eligible(walk, contract):
    contract.customer.value_tier = ValueTier.GOLD
    contract.customer.save()
    offer = OfferFactory(value_tiers=[ValueTier.VIP, ValueTier.GOLD])
    assert_eligible(evaluate(walk("financial_burden"), offer))


def test_an_offer_for_other_value_tiers_is_refused(walk):
    offer = OfferFactory(value_tiers=[ValueTier.VIP])  # the customer is standard
    assert_refused(
        evaluate(walk("financial_burden"), offer), "It is not for this customer's value tier."
    )


def _accepted_on_another_contract(walk, agent, contract, offer):
    """The same customer accepted `offer` on another of their contracts, by the services."""
    other = ContractFactory(
        customer=contract.customer, product=contract.product, start_date=contract.start_date
    )
    earlier = walk("financial_burden", contract_=other)
    presentation = offer_present(request_id=earlier.pk, user=agent, offer_id=offer.pk)
    offer_accept(request_id=earlier.pk, user=agent)
    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.ACCEPTED
    return presentation


def test_max_uses_refused_when_accepted_by_the_customer_within_365_days(
    walk, agent, contract, visit_offer
):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    presentation = _accepted_on_another_contract(walk, agent, contract, visit_offer)
    OfferPresentation.objects.filter(pk=presentation.pk).update(
        answered_at=timezone.now() - timedelta(days=364)
    )
    assert_refused(
        evaluate(walk("financial_burden"), visit_offer),
        "The customer already had it 1 time(s) in the last 12 months.",
    )


def test_max_uses_counts_a_use_accepted_today(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    _accepted_on_another_contract(walk, agent, contract, visit_offer)
    evaluation = evaluate(walk("financial_burden"), visit_offer)
    assert evaluation.why_not == ["The customer already had it 1 time(s) in the last 12 months."]


def test_max_uses_ignores_a_use_older_than_365_days(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    presentation = _accepted_on_another_contract(walk, agent, contract, visit_offer)
    OfferPresentation.objects.filter(pk=presentation.pk).update(
        answered_at=timezone.now() - timedelta(days=366)
    )
    assert_eligible(evaluate(walk("financial_burden"), visit_offer))


def test_max_uses_allows_uses_below_the_limit(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 2
    visit_offer.save()
    _accepted_on_another_contract(walk, agent, contract, visit_offer)
    assert_eligible(evaluate(walk("financial_burden"), visit_offer))


def test_max_uses_counts_accepted_presentations_only(walk, agent, contract, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    other = ContractFactory(customer=contract.customer, product=contract.product)
    earlier = CancellationRequestFactory(contract=other, agent=agent)
    for answer in (
        PresentationAnswer.DECLINED,
        PresentationAnswer.APPROVAL_DENIED,
        PresentationAnswer.ABANDONED,
    ):
        presentation_row(request=earlier, offer=visit_offer, answer=answer)
    assert_eligible(evaluate(walk("financial_burden"), visit_offer))


def test_max_uses_counts_this_customer_only(walk, agent, visit_offer):
    visit_offer.max_uses_per_year = 1
    visit_offer.save()
    stranger = CancellationRequestFactory(agent=agent)  # another customer's contract
    presentation_row(request=stranger, offer=visit_offer, answer=PresentationAnswer.ACCEPTED)
    assert_eligible(evaluate(walk("financial_burden"), visit_offer))


def test_an_offer_not_yet_presented_in_this_call_is_eligible(walk, agent, visit_offer):
    other_offer = OfferFactory(code="OTHER")
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=other_offer.pk)
    offer_decline(request_id=request.pk, user=agent)
    assert_eligible(evaluate(request, visit_offer))


def test_an_offer_already_presented_in_this_call_is_refused(walk, agent, visit_offer):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    offer_decline(request_id=request.pk, user=agent)
    assert_refused(evaluate(request, visit_offer), "It was already presented in this call.")


def test_offers_stay_eligible_on_a_suspended_contract(walk, contract, visit_offer):
    request = walk("financial_burden")
    contract.status = ContractStatus.SUSPENDED
    contract.save()
    assert_eligible(evaluate(request_as_loaded(request), visit_offer))


def test_offers_are_refused_when_the_contract_is_no_longer_active(walk, contract, visit_offer):
    request = walk("financial_burden")
    contract.status = ContractStatus.ENDED
    contract.save()
    assert_refused(
        evaluate(request_as_loaded(request), visit_offer), "The contract is no longer active."
    )


def test_every_failed_rule_is_explained(walk):
    offer = OfferFactory(
        is_active=False,
        min_tenure_months=30,
        product_categories=[ProductCategory.MATTRESS],
        value_tiers=[ValueTier.VIP],
    )
    assert_refused(
        evaluate(walk("financial_burden"), offer),
        "The offer is retired.",
        "It needs 30 months of tenure (now 20).",
        "It is not for this product category.",
        "It is not for this customer's value tier.",
    )
