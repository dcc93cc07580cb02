"""Holes a review found in the catalog workspace, each closed: A/B shares that could pass
100%, an original changing categories under its variants, retired choices silently dropped,
CSV files that crashed the import, a failed scheduled change that vanished, a filter id
too big for the database, reach that disagreed with the engine, raw action codes on pages."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cancellations.offer_engine.reach import _months_back, offer_reach
from catalog.choices import OfferKind, ReasonCategory
from catalog.forms.items import ProductCatalogForm
from catalog.forms.offers import OfferCatalogForm
from catalog.models import CatalogVersion, Offer, ScheduledChange
from catalog.services.imports import OFFER_CSV_FIELDS, offers_export_rows, offers_import
from catalog.services.items import catalog_reactivate, catalog_retire, catalog_save, offer_publish
from catalog.services.scheduled import product_save, scheduled_changes_apply
from core.csv import csv_rows
from core.dates import months_between
from core.errors import ServiceError
from customers.models import Product
from tests.catalog.data import instance_data, offer_data
from tests.factories import ContractFactory, OfferFactory, ProductFactory, ReasonFactory

pytestmark = pytest.mark.django_db


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


# ---- retired choices are kept ---------------------------------------------------------------


def test_an_edit_keeps_a_retired_sub_reason_and_a_product_off_sale(catalog_admin):
    reason = ReasonFactory(code="only-this", category=ReasonCategory.FINANCIAL)
    target = ProductFactory(code="P-LITE", monthly_fee=10000)
    offer = OfferFactory(
        code="DOWN",
        kind=OfferKind.PRODUCT_CHANGE,
        value=0,
        target_product=target,
        reason_categories=[ReasonCategory.FINANCIAL],
        reasons=[reason],
    )
    catalog_retire(instance=reason, user=catalog_admin)
    Product.objects.filter(pk=target.pk).update(is_active=False)
    form = OfferCatalogForm(data=instance_data(offer, name_en="Renamed"), instance=offer)
    catalog_save(form=form, user=catalog_admin)
    offer = Offer.objects.get(pk=offer.pk)
    assert offer.name_en == "Renamed"
    assert list(offer.reasons.values_list("code", flat=True)) == ["only-this"]
    assert offer.target_product_id == target.pk
    fresh = OfferCatalogForm(data=offer_data(code="NEW", reasons=[reason.pk]))
    assert "reasons" in fresh.errors  # not offered for a new choice


# ---- CSV files ------------------------------------------------------------------------------


def _csv(rows: list[list[str]], newline: str) -> str:
    return newline.join(",".join(row) for row in rows) + newline


def test_an_import_reads_old_mac_line_endings(catalog_admin):
    header = list(OFFER_CSV_FIELDS)
    row = [offer_data().get(name, "") if name != "status" else "draft" for name in header]
    row = ["" if v in ([], None) else (";".join(v) if isinstance(v, list) else str(v)) for v in row]
    result = offers_import(content=_csv([header, row], "\r"), user=catalog_admin, apply=True)
    assert [r.errors for r in result] == [[]]
    assert Offer.objects.filter(code="NEW-VISIT").exists()


def test_an_unreadable_csv_is_a_message_not_a_crash(client_as_catalog_admin):
    huge = "code,kind\n" + "X" * 200_000 + ",gift\n"
    response = client_as_catalog_admin.post(
        reverse("catalog_offers_import"), {"content": huge}, follow=True
    )
    assert response.status_code == 200
    assert "not a CSV file this import can read" in response.content.decode()


def test_a_code_the_export_guarded_imports_back_as_the_same_offer(catalog_admin):
    OfferFactory(code="-filter", name_en="Filter")
    content = "".join(csv_rows(*_export()))
    result = offers_import(content=content.lstrip("\ufeff"), user=catalog_admin, apply=False)
    assert {r.code: (r.action, r.errors) for r in result}["-filter"] == ("unchanged", [])


def _export():
    rows = offers_export_rows()
    return next(rows), rows


# ---- scheduled changes ----------------------------------------------------------------------


def test_a_scheduled_change_that_no_longer_fits_is_kept_with_its_reason(
    client_as_catalog_admin, catalog_admin, product
):
    later = timezone.localdate() + timedelta(days=10)
    form = ProductCatalogForm(
        data=instance_data(product, fee_floor=product.monthly_fee - 500, effective_from=later),
        instance=product,
    )
    change = product_save(form=form, user=catalog_admin)
    lower = ProductCatalogForm(
        data=instance_data(
            product, monthly_fee=product.monthly_fee - 1000, fee_floor=0, effective_from=""
        ),
        instance=product,
    )
    product_save(form=lower, user=catalog_admin)
    assert scheduled_changes_apply(today=later) == 0
    change = ScheduledChange.objects.get(pk=change.pk)
    assert change.cancelled_at is not None and change.applied_at is None
    assert "lowest adjusted fee" in change.problem
    page = client_as_catalog_admin.get(reverse("catalog_list", args=["products"]))
    assert "could not be applied" in page.content.decode()


# ---- dashboards -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reason", "agent", "team"])
def test_a_filter_id_too_big_for_the_database_is_ignored(client_as_supervisor, name):
    response = client_as_supervisor.get(
        reverse("dashboards"), {"tab": "save-rate", name: "99999999999999999999"}
    )
    assert response.status_code == 200
    assert "Unknown filter value ignored" in response.content.decode()


# ---- reach agrees with the engine -----------------------------------------------------------


def test_tenure_boundaries_match_the_engine_on_every_day_of_two_years():
    start = date(2024, 1, 1)
    for offset in range(731):
        today = start + timedelta(days=offset)
        for months in (1, 2, 6, 12, 13):
            latest = _months_back(today, months)
            assert months_between(latest, today) >= months, (today, months)
            assert months_between(latest + timedelta(days=1), today) < months, (today, months)


def test_reach_counts_contracts_of_a_product_off_sale_and_nothing_outside_the_window():
    off_sale = ProductFactory(code="P-OLD", is_active=False)
    ContractFactory(product=off_sale)
    offer = Offer(
        code="GIFT",
        kind=OfferKind.GIFT,
        value=1000,
        reason_categories=[ReasonCategory.FINANCIAL],
    )
    assert offer_reach(offer=offer) == 1
    offer.active_from = timezone.now() + timedelta(days=1)
    assert offer_reach(offer=offer) == 0
    offer.active_from, offer.active_until = None, timezone.now() - timedelta(minutes=1)
    assert offer_reach(offer=offer) == 0


# ---- labels, not codes ----------------------------------------------------------------------


def test_the_history_names_each_action_in_the_readers_language(
    client_as_catalog_admin, catalog_admin
):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    assert [v.action for v in CatalogVersion.objects.order_by("version")] == [
        "created",
        "published",
    ]
    with translation.override("ko"):
        labels = [str(v.get_action_display()) for v in CatalogVersion.objects.all()]
    assert "published" not in labels and "created" not in labels and all(labels)
    page = client_as_catalog_admin.get(reverse("catalog_history", args=["offers", offer.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    # The admin reads English: the English labels, each where the action is named.
    assert re.search(r"Version 2</strong>\s*· published\s", body)
    assert re.search(r"Version 1</strong>\s*· created\s", body)
    with translation.override("ko"):
        korean = str(CatalogVersion.Action.PUBLISHED.label)
    assert korean != "published" and korean not in body
