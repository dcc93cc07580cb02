"""Every catalog change is a version: created, published, edited (with a readable diff),
restored (terms, not sale status), retired, reactivated; a stale copy is refused; a past
version is shown in full."""

import pytest
from django.urls import reverse

from cancellations.models import CancellationRequest
from cancellations.offer_engine.loading import offers_for_request
from catalog.choices import ReasonCategory
from catalog.forms.items import ProductCatalogForm
from catalog.forms.offers import OfferCatalogForm
from catalog.models import CatalogVersion, Offer
from catalog.services.items import catalog_reactivate, catalog_retire, catalog_save, offer_publish
from catalog.services.versions import catalog_restore, history_for, version_latest
from core.errors import Conflict, ServiceError
from customers.models import Product
from tests.catalog.data import instance_data, offer_data
from tests.catalog.helpers import between, item_edited, offer_created, version_actions
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _codes(request) -> set[str]:
    fresh = CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)
    return {e.offer.code for e in offers_for_request(request=fresh)}


# ---- create, publish, edit ------------------------------------------------------------------


def test_a_new_offer_is_version_1_and_a_draft_nobody_is_offered(catalog_admin, in_branch):
    offer = offer_created(catalog_admin)
    (version,) = CatalogVersion.objects.filter(subject_id=offer.pk)
    assert (version.version, version.action, version.user) == (1, "created", catalog_admin)
    assert version.snapshot["value"] == 20000
    assert version.snapshot["is_draft"] is True
    assert offer.is_draft
    assert "NEW-VISIT" not in _codes(in_branch)


def test_publishing_is_version_2_and_agents_are_offered_it(catalog_admin, in_branch):
    offer = offer_created(catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    offer.refresh_from_db()
    assert not offer.is_draft
    assert version_latest(offer) == 2
    assert version_actions(offer) == ["created", "published"]
    assert "NEW-VISIT" in _codes(in_branch)
    with pytest.raises(ServiceError):
        offer_publish(offer=offer, user=catalog_admin)
    assert version_latest(offer) == 2


def test_an_edit_is_version_3_with_a_readable_diff(catalog_admin):
    offer = offer_created(catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    item_edited(offer, catalog_admin, value=25000, name_en="Free check-up plus")
    offer.refresh_from_db()
    assert offer.value == 25000
    latest, *_older = history_for(offer)
    assert (latest.version.version, latest.version.action) == (3, "edited")
    assert latest.version.user == catalog_admin
    assert [(c.name, c.label, c.before, c.after) for c in latest.changes] == [
        ("name_en", "Name (English)", "Free check-up", "Free check-up plus"),
        ("value", "Value", "20,000", "25,000"),
    ]


def test_the_diff_names_related_items_and_choices(catalog_admin, reason):
    offer = offer_created(catalog_admin)
    item_edited(
        offer,
        catalog_admin,
        reasons=[reason("fee_burden").pk],
        reason_categories=[ReasonCategory.FINANCIAL, ReasonCategory.COMPETITOR],
    )
    changes = {c.name: c for c in history_for(offer)[0].changes}
    assert set(changes) == {"reasons", "reason_categories"}
    assert changes["reasons"].before == "—"
    assert changes["reasons"].after == "The monthly fee is a burden"
    assert changes["reason_categories"].before == "Financial burden"
    assert changes["reason_categories"].after == "Competitor, Financial burden"


def test_the_history_page_shows_each_version_and_its_diff(client_as_catalog_admin, catalog_admin):
    offer = offer_created(catalog_admin)
    item_edited(offer, catalog_admin, value=25000)
    response = client_as_catalog_admin.get(reverse("catalog_history", args=["offers", offer.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="v1"' in page and 'id="v2"' in page
    assert "<del>20,000</del>" in page
    assert "<ins>25,000</ins>" in page


def test_editing_an_item_without_history_first_records_how_it_was(catalog_admin):
    offer = OfferFactory(code="OLD", value=20000)
    assert version_latest(offer) == 0
    form = OfferCatalogForm(data=instance_data(offer, value=15000, base_version=""), instance=offer)
    catalog_save(form=form, user=catalog_admin)
    initial, edited = CatalogVersion.objects.filter(subject_id=offer.pk).order_by("version")
    assert (initial.version, initial.action, initial.user) == (1, "initial", None)
    assert initial.snapshot["value"] == 20000
    assert (edited.version, edited.action, edited.user) == (2, "edited", catalog_admin)
    assert edited.snapshot["value"] == 15000


def test_editing_an_item_without_history_on_the_page_saves_it(
    client_as_catalog_admin, catalog_admin
):
    offer = OfferFactory(code="OLD", value=20000)
    page = client_as_catalog_admin.get(reverse("catalog_edit", args=["offers", offer.pk]))
    assert page.context["form"]["base_version"].value() == 0
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]),
        instance_data(offer, value=15000, base_version=0),
    )
    offer.refresh_from_db()
    assert response.status_code == 302
    assert offer.value == 15000
    assert version_actions(offer) == ["initial", "edited"]


def test_a_stale_copy_is_refused_and_changes_nothing(catalog_admin):
    offer = offer_created(catalog_admin)
    first = OfferCatalogForm(data=instance_data(offer, value=25000), instance=offer)
    second = OfferCatalogForm(
        data=instance_data(offer, value=30000, name_en="Other"),
        instance=Offer.objects.get(pk=offer.pk),
    )
    catalog_save(form=first, user=catalog_admin)
    with pytest.raises(Conflict):
        catalog_save(form=second, user=catalog_admin)
    offer.refresh_from_db()
    assert (offer.value, offer.name_en) == (25000, "Free check-up")
    assert version_latest(offer) == 2


def test_a_stale_copy_on_the_page_is_refused_with_a_message(client_as_catalog_admin, catalog_admin):
    offer = offer_created(catalog_admin)
    stale = instance_data(offer, value=30000)
    item_edited(offer, catalog_admin, value=25000)
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]), stale, follow=True
    )
    assert "Someone saved a newer version (2)" in response.content.decode()
    offer.refresh_from_db()
    assert offer.value == 25000
    assert version_latest(offer) == 2


# ---- restore, retire, reactivate ------------------------------------------------------------


def test_restoring_version_1_brings_back_its_terms_as_a_new_version(catalog_admin):
    offer = offer_created(catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    item_edited(offer, catalog_admin, value=25000, name_en="Changed")
    restored = catalog_restore(instance=offer, version=1, user=catalog_admin)
    offer.refresh_from_db()
    assert (restored.version, restored.action) == (4, "restored")
    assert restored.note_text == "Restored version 1"
    assert (offer.value, offer.name_en) == (20000, "Free check-up")
    assert not offer.is_draft  # the terms come back, not the draft status of version 1
    assert restored.snapshot["is_draft"] is False
    assert {c.name for c in history_for(offer)[0].changes} == {"name_en", "value"}


def test_restoring_a_missing_version_is_refused(catalog_admin):
    offer = offer_created(catalog_admin)
    with pytest.raises(ServiceError):
        catalog_restore(instance=offer, version=7, user=catalog_admin)
    assert version_latest(offer) == 1


def test_a_version_that_fails_todays_checks_is_not_restored(catalog_admin, reason):
    offer = offer_created(catalog_admin, reasons=[reason("fee_burden").pk])
    item_edited(offer, catalog_admin, reasons=[])
    catalog_retire(instance=reason("fee_burden"), user=catalog_admin)
    with pytest.raises(ServiceError) as refused:
        catalog_restore(instance=offer, version=1, user=catalog_admin)
    label = OfferCatalogForm().fields["reasons"].label
    assert any(d.startswith(f"{label}:") for d in refused.value.details)
    assert version_latest(offer) == 2
    assert not offer.reasons.exists()


def test_the_restore_page_makes_a_new_version(client_as_catalog_admin, catalog_admin):
    offer = offer_created(catalog_admin)
    item_edited(offer, catalog_admin, value=25000)
    response = client_as_catalog_admin.post(
        reverse("catalog_restore", args=["offers", offer.pk, 1])
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.value == 20000
    assert version_actions(offer) == ["created", "edited", "restored"]


def test_retire_and_reactivate_are_versions(catalog_admin, in_branch):
    offer = offer_created(catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    catalog_retire(instance=offer, user=catalog_admin)
    assert not Offer.objects.get(pk=offer.pk).is_active
    assert "NEW-VISIT" not in _codes(in_branch)
    with pytest.raises(ServiceError):
        catalog_retire(instance=offer, user=catalog_admin)
    catalog_reactivate(instance=offer, user=catalog_admin)
    assert Offer.objects.get(pk=offer.pk).is_active
    assert "NEW-VISIT" in _codes(in_branch)
    with pytest.raises(ServiceError):
        catalog_reactivate(instance=offer, user=catalog_admin)
    assert version_actions(offer) == ["created", "published", "retired", "reactivated"]
    retired = history_for(offer)[1]
    assert [(c.label, c.before, c.after) for c in retired.changes] == [("In use", "yes", "no")]


def test_restoring_a_product_version_brings_back_its_terms_not_its_sale_status(
    catalog_admin, product
):
    form = ProductCatalogForm(
        data=instance_data(product, penalty_rate_percent=50, is_active=False), instance=product
    )
    catalog_save(form=form, user=catalog_admin)  # versions 1 (before) and 2
    assert not Product.objects.get(pk=product.pk).is_active
    catalog_restore(instance=product, version=1, user=catalog_admin)
    restored = Product.objects.get(pk=product.pk)
    assert restored.penalty_rate_percent == 30
    assert restored.is_active is False  # off sale until someone reactivates it
    catalog_reactivate(instance=restored, user=catalog_admin)
    assert Product.objects.get(pk=product.pk).is_active


# ---- viewing a past version -----------------------------------------------------------------


def test_a_past_version_is_shown_in_full(client_as_catalog_admin, catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    catalog_save(
        form=OfferCatalogForm(
            data=instance_data(offer, value=25000, name_en="Check-up plus"), instance=offer
        ),
        user=catalog_admin,
    )
    url = reverse("catalog_history", args=["offers", offer.pk])
    old = client_as_catalog_admin.get(url, {"v": "1"})
    assert old.status_code == 200
    shown = between(old.content.decode(), 'id="version-title"', "</section>")
    assert "Version 1 in full" in shown
    assert "<td>Free check-up</td>" in shown and "<td>20,000</td>" in shown
    assert "Check-up plus" not in shown and "25,000" not in shown
    new = between(
        client_as_catalog_admin.get(url, {"v": "2"}).content.decode(),
        'id="version-title"',
        "</section>",
    )
    assert "<td>Check-up plus</td>" in new and "<td>25,000</td>" in new


@pytest.mark.parametrize("v", ["3", "0", "x", "-1"])
def test_an_unknown_version_is_not_found(client_as_catalog_admin, catalog_admin, v):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    url = reverse("catalog_history", args=["offers", offer.pk])
    assert client_as_catalog_admin.get(url, {"v": v}).status_code == 404
