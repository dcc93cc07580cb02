"""Two catalog admins changing the variants of one offer at the same moment: the share of
calls the variants take is checked again inside the save, under the original's lock, so the
two can never pass 99% together, though each form, checked alone, saw room enough."""

import pytest

from catalog.choices import ReasonCategory
from catalog.forms.offers import OfferCatalogForm
from catalog.models import Offer
from catalog.services.items import catalog_reactivate, catalog_save
from core.errors import ServiceError
from tests.catalog.data import offer_data
from tests.concurrency import race, the_winner
from tests.factories import OfferFactory, ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def original(db):
    ProductFactory(code="P-TOP", monthly_fee=30000)
    return OfferFactory(code="AB-ORIG", reason_categories=[ReasonCategory.FINANCIAL])


def _variant_added(original: Offer, code: str, share: int, user):
    def call():
        form = OfferCatalogForm(
            data=offer_data(code=code, variant_of=original.pk, traffic_share=share)
        )
        return catalog_save(form=form, user=user)

    return call


def _shares(original: Offer) -> dict[str, int]:
    variants = Offer.objects.filter(variant_of=original, is_active=True)
    return dict(variants.values_list("code", "traffic_share"))


def test_two_new_variants_at_once_cannot_pass_99_percent(original, catalog_admin):
    assert OfferCatalogForm(
        data=offer_data(code="AB-B", variant_of=original.pk, traffic_share=60)
    ).is_valid(), "alone, each form sees room for its 60%"

    outcomes = race(
        _variant_added(original, "AB-B", 60, catalog_admin),
        _variant_added(original, "AB-C", 60, catalog_admin),
        hold=Offer.objects.filter(pk=original.pk),
    )

    winner = the_winner(outcomes)
    refused = outcomes[1 - winner].error
    assert isinstance(refused, ServiceError)
    assert "already take 60%" in str(refused)
    assert "at most 39% is left" in str(refused)
    assert _shares(original) == {("AB-B", "AB-C")[winner]: 60}
    assert not Offer.objects.filter(code=("AB-C", "AB-B")[winner]).exists(), "nothing half-saved"


def test_a_reactivation_and_a_new_variant_at_once_cannot_pass_99_percent(original, catalog_admin):
    retired = OfferFactory(
        code="AB-OLD", variant_of=original, traffic_share=60, is_active=False, is_draft=False
    )

    outcomes = race(
        lambda: catalog_reactivate(instance=Offer.objects.get(pk=retired.pk), user=catalog_admin),
        _variant_added(original, "AB-NEW", 60, catalog_admin),
        hold=Offer.objects.filter(pk=original.pk),
    )

    winner = the_winner(outcomes)
    assert isinstance(outcomes[1 - winner].error, ServiceError)
    assert sum(_shares(original).values()) == 60
    assert set(_shares(original)) == {("AB-OLD", "AB-NEW")[winner]}
