"""A/B tests on a call: a stable draw per call, each variant its share of calls, exactly one
arm offered and presented, and a variant outside its window leaving the call to the
original."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.offer_engine.ab import variant_bucket, variant_drawn
from cancellations.offer_engine.loading import offer_evaluate_for_request, offers_for_request
from cancellations.services.offers import offer_present
from catalog.choices import ReasonCategory
from catalog.models import Offer
from core.errors import ServiceError
from tests.catalog.helpers import FIN
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

AB_MESSAGE = "Another arm of this A/B test was drawn for this call."


def _fresh(request) -> CancellationRequest:
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)


# ---- the A/B draw ---------------------------------------------------------------------------


def test_the_bucket_of_a_call_is_the_same_every_time():
    assert [variant_bucket(n, "AB") for n in range(200)] == [
        variant_bucket(n, "AB") for n in range(200)
    ]
    assert {variant_bucket(n, "AB") for n in range(2000)} == set(range(100))
    # Each test draws independently of the others.
    assert [variant_bucket(n, "AB") for n in range(50)] != [
        variant_bucket(n, "CD") for n in range(50)
    ]


def test_a_30_percent_variant_gets_about_30_percent_of_calls():
    original = Offer(pk=1, code="AB")
    variant = Offer(pk=2, code="AB-B", variant_of_id=1, traffic_share=30)
    drawn = [variant_drawn(n, original, [variant]) for n in range(1, 10_001)]
    assert 0.27 <= drawn.count(variant) / len(drawn) <= 0.33
    # Exactly the calls whose bucket falls in the variant's 30 go to the variant.
    assert [d is variant for d in drawn] == [variant_bucket(n, "AB") < 30 for n in range(1, 10_001)]
    assert drawn == [variant_drawn(n, original, [variant]) for n in range(1, 10_001)]


def test_variants_take_their_shares_in_id_order():
    original = Offer(pk=1, code="AB")
    second = Offer(pk=3, code="AB-C", traffic_share=30)
    first = Offer(pk=2, code="AB-B", traffic_share=20)
    for n in range(500):
        bucket = variant_bucket(n, "AB")
        expected = first if bucket < 20 else second if bucket < 50 else original
        assert variant_drawn(n, original, [second, first]) is expected


@pytest.fixture
def ab_call(walk):
    """A financial-burden call, and a test code whose bucket for it is neither 0 nor 99, so
    either arm can be made the one drawn."""
    request = _fresh(walk("financial_burden"))
    code = next(f"AB-{n}" for n in range(100) if 1 <= variant_bucket(request.pk, f"AB-{n}") <= 98)
    return request, code


def _ab_test(request, code, drawn: str, **variant_fields):
    """An original and a variant; the variant's share puts this call in the `drawn` arm."""
    bucket = variant_bucket(request.pk, code)
    categories = [ReasonCategory.FINANCIAL]
    original = OfferFactory(code=code, value=20000, reason_categories=categories)
    variant = OfferFactory(
        code=f"{code}-B",
        value=25000,
        reason_categories=categories,
        variant_of=original,
        traffic_share=bucket + 1 if drawn == "variant" else bucket,
        **variant_fields,
    )
    assert variant_drawn(request.pk, original, [variant]) == (
        variant if drawn == "variant" else original
    )
    return (variant, original) if drawn == "variant" else (original, variant)


@pytest.mark.parametrize("drawn", ["original", "variant"])
def test_a_call_is_offered_exactly_one_arm(ab_call, drawn):
    request, code = ab_call
    shown, hidden = _ab_test(request, code, drawn)
    codes = [e.offer.code for e in offers_for_request(request=request)]
    assert shown.code in codes
    assert hidden.code not in codes
    everything = {
        e.offer.code: e for e in offers_for_request(request=request, include_ineligible=True)
    }
    assert everything[hidden.code].why_not == [AB_MESSAGE]
    # The draw does not change when asked again.
    assert [e.offer.code for e in offers_for_request(request=request)] == codes


@pytest.mark.parametrize("drawn", ["original", "variant"])
def test_the_arm_not_drawn_cannot_be_presented(ab_call, agent, drawn):
    request, code = ab_call
    shown, hidden = _ab_test(request, code, drawn)
    refused = offer_evaluate_for_request(request=request, offer=hidden)
    assert not refused.eligible
    assert refused.why_not == [AB_MESSAGE]
    assert offer_evaluate_for_request(request=request, offer=shown).eligible
    with pytest.raises(ServiceError):
        offer_present(request_id=request.pk, user=agent, offer_id=hidden.pk)
    assert not OfferPresentation.objects.filter(request=request).exists()
    presented = offer_present(request_id=request.pk, user=agent, offer_id=shown.pk)
    assert presented.code == shown.code


@pytest.mark.parametrize("status", [{"is_draft": True}, {"is_active": False}])
def test_a_draft_or_retired_variant_takes_no_calls(ab_call, status):
    request, code = ab_call
    variant, original = _ab_test(request, code, "variant", **status)
    codes = [e.offer.code for e in offers_for_request(request=request)]
    assert original.code in codes
    assert variant.code not in codes
    assert offer_evaluate_for_request(request=request, offer=original).eligible


def test_a_variant_listed_after_its_original_is_retired_can_be_presented(ab_call, agent):
    request, code = ab_call
    original, variant = _ab_test(request, code, "original")
    Offer.objects.filter(pk=original.pk).update(is_active=False)
    listed = [e.offer.code for e in offers_for_request(request=request)]
    assert listed == [variant.code]
    presented = offer_present(request_id=request.pk, user=agent, offer_id=variant.pk)
    assert presented.code == variant.code


# ---- a variant outside its window takes no calls ----------------------------------------

WINDOWS = {
    "not-started": ({"active_from": timedelta(days=1)}, "The offer is not active yet."),
    "expired": (
        {"active_from": -timedelta(days=10), "active_until": -timedelta(days=1)},
        "The offer has expired.",
    ),
}


@pytest.fixture
def windowed_ab(walk):
    """A financial-burden call and an A/B test whose variant's share covers this call's
    bucket: by share alone, the call is the variant's."""

    def build(window: str):
        request = _fresh(walk("financial_burden"))
        code = next(
            f"AB-{n}" for n in range(100) if 1 <= variant_bucket(request.pk, f"AB-{n}") <= 98
        )
        now = timezone.now()
        bounds, why = WINDOWS[window]
        original = OfferFactory(code=code, reason_categories=[FIN])
        variant = OfferFactory(
            code=f"{code}-B",
            value=25000,
            reason_categories=[FIN],
            variant_of=original,
            traffic_share=variant_bucket(request.pk, code) + 1,
            **{name: now + delta for name, delta in bounds.items()},
        )
        assert variant_drawn(request.pk, original, [variant]) == variant
        return request, original, variant, why

    return build


@pytest.mark.parametrize("window", list(WINDOWS))
def test_a_variant_outside_its_window_leaves_the_call_to_the_original(windowed_ab, agent, window):
    request, original, variant, why = windowed_ab(window)
    codes = [e.offer.code for e in offers_for_request(request=request)]
    assert original.code in codes
    assert variant.code not in codes
    everything = {
        e.offer.code: e for e in offers_for_request(request=request, include_ineligible=True)
    }
    assert everything[original.code].eligible
    assert everything[variant.code].why_not == [why]  # not "another arm was drawn"
    assert offer_evaluate_for_request(request=request, offer=original).eligible
    assert offer_evaluate_for_request(request=request, offer=variant).why_not == [why]
    presented = offer_present(request_id=request.pk, user=agent, offer_id=original.pk)
    assert presented.code == original.code


def test_a_variant_takes_its_share_again_once_its_window_opens(windowed_ab):
    request, original, variant, _why = windowed_ab("not-started")
    later = timezone.now() + timedelta(days=2)
    codes = [e.offer.code for e in offers_for_request(request=request, now=later)]
    assert codes.count(variant.code) == 1
    assert original.code not in codes
    assert not offer_evaluate_for_request(request=request, offer=original, now=later).eligible
