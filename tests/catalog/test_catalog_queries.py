"""Every catalog page (lists, edit pages, the preview, the reason tree, a product's history)
answers in a fixed number of queries, however big the catalog and the book of contracts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.forms.offers import OfferCatalogForm
from catalog.models import (
    Battlecard,
    CatalogVersion,
    CustomerType,
    Offer,
    ScheduledChange,
    StepScript,
)
from catalog.scripts import script_keys
from catalog.services.items import catalog_save
from catalog.services.scheduled import scheduled_change_withdraw
from tests.catalog.data import instance_data, offer_data
from tests.catalog.helpers import CARD, schedule_change_from_stored
from tests.factories import ContractFactory, OfferFactory, ProductFactory, ReasonFactory

pytestmark = pytest.mark.django_db

EDIT_LIMIT = 14

PREVIEW_LIMIT = 40

TREE_LIMIT = 8


def _grow(n: int) -> None:
    """More offers, products, reasons and contracts: nothing a page may loop over."""
    for i in range(n):
        product = ProductFactory(code=f"GROW-{n}-{i}")
        ContractFactory(product=product)
        OfferFactory(code=f"GROW-{n}-{i}")
        ReasonFactory(code=f"grow-{n}-{i}")


def _count(client, assert_max, limit, method, url, data=None):
    with assert_max(limit) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(queries), response


def test_edit_and_preview_queries_do_not_grow_with_the_catalog(
    client_as_catalog_admin, walk, django_assert_max_num_queries
):
    walk("financial_burden")  # a request for the preview to rank against
    offer = OfferFactory(code="EDITED")
    edit = reverse("catalog_edit", args=["offers", offer.pk])
    new = reverse("catalog_new", args=["offers"])
    preview = {**offer_data(code="PREVIEWED"), "preview": "1"}
    client_as_catalog_admin.get(edit)  # warm the per-process caches (content types)
    counts = []
    for size in (0, 20):
        _grow(size)
        edit_n, _page = _count(
            client_as_catalog_admin, django_assert_max_num_queries, EDIT_LIMIT, "get", edit
        )
        preview_n, page = _count(
            client_as_catalog_admin,
            django_assert_max_num_queries,
            PREVIEW_LIMIT,
            "post",
            new,
            preview,
        )
        assert 'id="preview"' in page.content.decode()
        counts.append((edit_n, preview_n))
    assert counts[0] == counts[1]
    assert not Offer.objects.filter(code="PREVIEWED").exists()


def test_reason_tree_queries_do_not_grow_with_the_reasons(
    client_as_catalog_admin, django_assert_max_num_queries
):
    url = reverse("catalog_list", args=["reasons"])
    client_as_catalog_admin.get(url)
    few, _page = _count(
        client_as_catalog_admin, django_assert_max_num_queries, TREE_LIMIT, "get", url
    )
    _grow(25)
    many, page = _count(
        client_as_catalog_admin, django_assert_max_num_queries, TREE_LIMIT, "get", url
    )
    assert "grow-25-24" in page.content.decode()
    assert few == many


def test_saving_an_unchanged_form_writes_no_version(client_as_catalog_admin, catalog_admin):

    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    before = CatalogVersion.objects.count()
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]), {**instance_data(offer), "save": "1"}
    )
    assert response.status_code == 302
    assert CatalogVersion.objects.count() == before
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]),
        {**instance_data(offer, value=20500), "save": "1"},
    )
    assert CatalogVersion.objects.count() == before + 1


# ---- query bounds of the other kinds' pages -------------------------------------------------

PAGE_LIMIT = 14


def _grow_other_kinds(n: int, admin) -> None:
    """More of every kind (products with alternatives and pending changes, types, scripts,
    cards): nothing a page may loop over with a query."""
    keys = [key for key, _label in script_keys()]
    cheap = ProductFactory(code=f"CHEAP-{n}", monthly_fee=1000)
    for i in range(n):
        product = ProductFactory(code=f"GROW-{n}-{i}")
        product.alternatives.add(cheap)
        ScheduledChange.objects.create(
            product=product,
            effective_from=timezone.localdate() + timedelta(days=5),
            snapshot={"penalty_rate_percent": 40},
            created_by=admin,
        )
        CustomerType.objects.create(
            code=f"grow-{n}-{i}", name_ko="유형", name_en="Type", tips_ko="팁", tips_en="Tip"
        )
        Battlecard.objects.create(
            competitor=f"Rival {n}-{i}",
            their_offer_ko="무료",
            their_offer_en="Free",
            our_answer_ko="관리",
            our_answer_en="Care",
        )
    for key in keys[: min(n, len(keys))]:
        StepScript.objects.get_or_create(key=key, defaults={"text_ko": "가", "text_en": "A"})


@pytest.mark.parametrize("slug", ["products", "customer-types", "scripts", "battlecards"])
def test_list_and_edit_queries_do_not_grow_with_the_catalog(
    client_as_catalog_admin, catalog_admin, django_assert_max_num_queries, slug
):
    items = {
        "products": lambda: ProductFactory(code="EDITED"),
        "customer-types": lambda: CustomerType.objects.first(),
        "scripts": lambda: StepScript.objects.create(key="opened", text_ko="가", text_en="A"),
        "battlecards": lambda: Battlecard.objects.create(**{**CARD, "competitor": "Edited"}),
    }
    item = items[slug]()
    pages = [reverse("catalog_list", args=[slug]), reverse("catalog_edit", args=[slug, item.pk])]
    for url in pages:
        client_as_catalog_admin.get(url)  # warm the per-process caches (content types)
    counts = []
    for size in (1, 12):
        _grow_other_kinds(size, catalog_admin)
        sizes = []
        for url in pages:
            with django_assert_max_num_queries(PAGE_LIMIT) as queries:
                assert client_as_catalog_admin.get(url).status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_the_product_history_queries_do_not_grow_with_its_scheduled_changes(
    client_as_catalog_admin, catalog_admin, product, today, django_assert_max_num_queries
):
    url = reverse("catalog_history", args=["products", product.pk])
    counts = []
    for n in (1, 10):
        for i in range(n):
            change = schedule_change_from_stored(
                product, catalog_admin, today + timedelta(days=2 + i), penalty_rate_percent=40 + i
            )
            if i % 2:
                scheduled_change_withdraw(change=change, user=catalog_admin)
        with django_assert_max_num_queries(PAGE_LIMIT) as queries:
            response = client_as_catalog_admin.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.content.decode().count('id="change-') == 11
    assert counts[0] == counts[1]
