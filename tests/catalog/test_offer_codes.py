"""An offer's code stays once the offer was published or presented (even back in draft);
a draft never published may change it, and a published offer keeps its other edits."""

import pytest
from django.urls import reverse

from cancellations.services.offers import offer_present
from catalog.forms.offers import OfferCatalogForm
from catalog.models import CatalogVersion, Offer
from catalog.services.items import catalog_save, offer_publish
from tests.catalog.data import instance_data, offer_data

pytestmark = pytest.mark.django_db

# ---- codes stay; the list says when an offer runs; a restore keeps the status -----------


def test_a_published_offers_code_cannot_change(client_as_catalog_admin, catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    versions = CatalogVersion.objects.count()
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]),
        instance_data(offer, code="RENAMED"),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert "its code cannot change" in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).code == "NEW-VISIT"
    assert CatalogVersion.objects.count() == versions


def test_a_presented_offers_code_cannot_change_even_back_in_draft(
    catalog_admin, agent, walk, fee_offer
):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    Offer.objects.filter(pk=fee_offer.pk).update(is_draft=True)  # an import can do this
    fee_offer.refresh_from_db()
    form = OfferCatalogForm(data=instance_data(fee_offer, code="FEE-RENAMED"), instance=fee_offer)
    assert list(form.errors) == ["code"]


def test_an_offer_published_once_keeps_its_code_back_in_draft(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    Offer.objects.filter(pk=offer.pk).update(is_draft=True)  # an import can do this
    offer = Offer.objects.get(pk=offer.pk)
    form = OfferCatalogForm(data=instance_data(offer, code="RENAMED"), instance=offer)
    assert list(form.errors) == ["code"]


def test_a_draft_never_published_may_change_its_code(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    form = OfferCatalogForm(data=instance_data(offer, code="RENAMED"), instance=offer)
    catalog_save(form=form, user=catalog_admin)
    assert Offer.objects.get(pk=offer.pk).code == "RENAMED"


def test_a_published_offer_keeps_other_edits(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    form = OfferCatalogForm(data=instance_data(offer, value=25000), instance=offer)
    assert form.is_valid(), form.errors
