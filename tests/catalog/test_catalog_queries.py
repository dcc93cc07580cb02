"""The edit page, its preview and the reason tree answer in a fixed number of queries,
however big the catalog and the book of contracts."""

import pytest
from django.urls import reverse

from catalog.models import Offer
from tests.catalog.data import offer_data
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
    from catalog.forms.offers import OfferCatalogForm
    from catalog.models import CatalogVersion
    from catalog.services.items import catalog_save
    from tests.catalog.data import instance_data

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
