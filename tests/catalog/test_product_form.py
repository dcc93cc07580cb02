"""The product form's rules, both ways: a bad value is refused on its field and nothing is
saved; a cheaper alternative and a change from today or a later date are accepted."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.forms.items import ProductCatalogForm
from catalog.models import CatalogVersion, ScheduledChange
from customers.models import Product
from tests.catalog.data import instance_data, product_data
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

# ---- the product form ---------------------------------------------------------------------


@pytest.fixture
def dearer(db):
    return ProductFactory(code="P-DEAR", monthly_fee=30000)


PRODUCT_REFUSALS = [
    ("penalty-above-100-percent", lambda p: {"penalty_rate_percent": 101}, "penalty_rate_percent"),
    (
        "standard-term-shorter-than-minimum",
        lambda p: {"minimum_term_months": 36, "default_term_months": 24},
        "default_term_months",
    ),
    ("minimum-term-0", lambda p: {"minimum_term_months": 0}, "minimum_term_months"),
    ("fee-floor-above-the-fee", lambda p: {"fee_floor": 25001}, "fee_floor"),
    ("dearer-alternative", lambda p: {"alternatives": [p.pk]}, "alternatives"),
    (
        "alternative-at-the-same-fee",
        lambda p: {"monthly_fee": 30000, "fee_floor": 0, "alternatives": [p.pk]},
        "alternatives",
    ),
    (
        "takes-effect-in-the-past",
        lambda p: {"effective_from": timezone.localdate() - timedelta(days=1)},
        "effective_from",
    ),
    (
        "new-product-scheduled-for-later",
        lambda p: {"effective_from": timezone.localdate() + timedelta(days=1)},
        "effective_from",
    ),
    ("blank-english-name", lambda p: {"name_en": "  "}, "name_en"),
]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(o, f, id=i) for i, o, f in PRODUCT_REFUSALS],
)
def test_product_form_puts_the_error_on_the_field_at_fault(dearer, overrides, field):
    form = ProductCatalogForm(data=product_data(**overrides(dearer)))
    assert not form.is_valid()
    assert field in form.errors, form.errors


@pytest.mark.parametrize(
    ("overrides", "field"),
    [pytest.param(o, f, id=i) for i, o, f in PRODUCT_REFUSALS],
)
def test_product_page_refuses_and_saves_nothing(client_as_catalog_admin, dearer, overrides, field):
    products = Product.objects.count()
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["products"]), product_data(**overrides(dearer))
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Product.objects.count() == products
    assert not CatalogVersion.objects.exists()


def test_product_form_accepts_a_cheaper_alternative_and_a_date_today(dearer):
    cheaper = ProductFactory(code="P-CHEAP", monthly_fee=19000)
    form = ProductCatalogForm(
        data=product_data(alternatives=[cheaper.pk], effective_from=timezone.localdate())
    )
    assert form.is_valid(), form.errors


def test_product_edit_with_a_past_date_changes_nothing(client_as_catalog_admin, dearer):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["products", dearer.pk]),
        instance_data(dearer, penalty_rate_percent=50, effective_from=yesterday),
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["form"].errors
    dearer.refresh_from_db()
    assert dearer.penalty_rate_percent == 30
    assert not ScheduledChange.objects.exists()
    assert not CatalogVersion.objects.exists()


def test_product_edit_may_take_effect_on_a_later_date(dearer):
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = ProductCatalogForm(
        data=instance_data(dearer, penalty_rate_percent=50, effective_from=tomorrow),
        instance=dearer,
    )
    assert form.is_valid(), form.errors
