"""An A/B variant's rules in the catalog: the shares of an original's variants never pass
100% (retired ones leave theirs free, a reactivated one comes back only if it still
fits), no variant of a variant, and an original keeps its categories under its variants."""

import pytest

from catalog.choices import ReasonCategory
from catalog.forms.offers import OfferCatalogForm
from catalog.models import Offer
from catalog.services.items import catalog_reactivate, catalog_retire, catalog_save
from core.errors import ServiceError
from tests.catalog.data import instance_data, offer_data
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_retired_variants_leave_their_share_free(world):
    Offer.objects.filter(code="AB-VAR-60").update(is_active=False)
    form = OfferCatalogForm(data=offer_data(variant_of=world.original.pk, traffic_share=99))
    assert form.is_valid(), form.errors


def test_editing_a_variant_does_not_count_its_own_share_twice(world):
    variant = Offer.objects.get(code="AB-VAR-60")
    form = OfferCatalogForm(data=instance_data(variant, traffic_share=99), instance=variant)
    assert form.is_valid(), form.errors


def test_an_offer_cannot_be_a_variant_of_a_variant_or_of_itself(world):
    variant = Offer.objects.get(code="AB-VAR-60")
    nested = OfferCatalogForm(data=offer_data(variant_of=variant.pk, traffic_share=10))
    assert not nested.is_valid()
    assert "variant_of" in nested.errors
    itself = OfferCatalogForm(
        data=instance_data(world.original, variant_of=world.original.pk, traffic_share=10),
        instance=world.original,
    )
    assert not itself.is_valid()
    assert "variant_of" in itself.errors


def test_an_offer_with_variants_cannot_become_a_variant(world):
    other = OfferFactory(code="OTHER", reason_categories=[ReasonCategory.FINANCIAL])
    form = OfferCatalogForm(
        data=instance_data(world.original, variant_of=other.pk, traffic_share=10),
        instance=world.original,
    )
    assert not form.is_valid()
    assert "variant_of" in form.errors


# ---- A/B shares and categories -------------------------------------------------------------


def test_a_retired_variant_comes_back_only_if_its_share_still_fits(catalog_admin):
    original = OfferFactory(code="AB", reason_categories=[ReasonCategory.FINANCIAL])
    first = OfferFactory(
        code="AB-30",
        variant_of=original,
        traffic_share=30,
        reason_categories=[ReasonCategory.FINANCIAL],
    )
    catalog_retire(instance=first, user=catalog_admin)
    form = OfferCatalogForm(data=offer_data(code="AB-80", variant_of=original.pk, traffic_share=80))
    catalog_save(form=form, user=catalog_admin)
    with pytest.raises(ServiceError, match="80%"):
        catalog_reactivate(instance=Offer.objects.get(pk=first.pk), user=catalog_admin)
    assert not Offer.objects.get(pk=first.pk).is_active


def test_an_original_cannot_change_categories_under_its_variants(catalog_admin):
    original = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    OfferFactory(
        code="VARIANT",
        variant_of=original,
        traffic_share=30,
        reason_categories=[ReasonCategory.FINANCIAL],
    )
    data = instance_data(
        original, reason_categories=[ReasonCategory.FINANCIAL, ReasonCategory.COMPETITOR]
    )
    form = OfferCatalogForm(data=data, instance=original)
    assert not form.is_valid()
    assert "reason_categories" in form.errors
    assert Offer.objects.get(pk=original.pk).reason_categories == [ReasonCategory.FINANCIAL]
