"""Scheduled product changes: applied on their day exactly once, withdrawn (by whom and
when), kept with their reason when they no longer fit, and shown in the product history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.forms.items import ProductCatalogForm
from catalog.models import CatalogVersion, ScheduledChange
from catalog.services.scheduled import (
    product_save,
    scheduled_change_withdraw,
    scheduled_changes_apply,
)
from core.errors import ServiceError
from customers.models import Product
from tests.catalog.data import instance_data
from tests.catalog.helpers import (
    between,
    schedule_change,
    schedule_change_from_stored,
    version_actions,
)

pytestmark = pytest.mark.django_db


def test_a_product_change_for_tomorrow_leaves_today_alone(catalog_admin, product, tomorrow):
    change = schedule_change(product, catalog_admin, tomorrow, penalty_rate_percent=50)
    assert isinstance(change, ScheduledChange)
    assert change.effective_from == tomorrow
    assert change.created_by == catalog_admin
    assert change.snapshot["penalty_rate_percent"] == 50
    assert Product.objects.get(pk=product.pk).penalty_rate_percent == 30
    assert scheduled_changes_apply(today=tomorrow - timedelta(days=1)) == 0
    assert Product.objects.get(pk=product.pk).penalty_rate_percent == 30


def test_a_scheduled_change_is_applied_on_its_day_exactly_once(catalog_admin, product, tomorrow):
    change = schedule_change(
        product, catalog_admin, tomorrow, penalty_rate_percent=50, monthly_fee=32000
    )
    assert scheduled_changes_apply(today=tomorrow) == 1
    fresh = Product.objects.get(pk=product.pk)
    assert (fresh.penalty_rate_percent, fresh.monthly_fee) == (50, 32000)
    change.refresh_from_db()
    assert change.applied_at is not None and change.cancelled_at is None
    assert version_actions(fresh) == ["initial", "scheduled"]
    assert scheduled_changes_apply(today=tomorrow) == 0
    assert scheduled_changes_apply(today=tomorrow + timedelta(days=5)) == 0
    assert version_actions(fresh) == ["initial", "scheduled"]


def test_a_withdrawn_change_is_never_applied(catalog_admin, product, tomorrow):
    change = schedule_change(product, catalog_admin, tomorrow, penalty_rate_percent=50)
    scheduled_change_withdraw(change=change, user=catalog_admin)
    change.refresh_from_db()
    assert change.cancelled_at is not None
    assert scheduled_changes_apply(today=tomorrow) == 0
    assert Product.objects.get(pk=product.pk).penalty_rate_percent == 30
    with pytest.raises(ServiceError):
        scheduled_change_withdraw(change=change, user=catalog_admin)


def test_the_withdraw_page_withdraws_a_pending_change(
    client_as_catalog_admin, catalog_admin, product, tomorrow
):
    change = schedule_change(product, catalog_admin, tomorrow, penalty_rate_percent=50)
    response = client_as_catalog_admin.post(reverse("catalog_change_withdraw", args=[change.pk]))
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.cancelled_at is not None


def test_a_change_for_today_applies_at_once(catalog_admin, product, today):
    saved = schedule_change(product, catalog_admin, today, penalty_rate_percent=50)
    assert isinstance(saved, Product)
    assert Product.objects.get(pk=product.pk).penalty_rate_percent == 50
    assert not ScheduledChange.objects.exists()


def test_an_edit_after_scheduling_is_not_silently_undone(catalog_admin, product, today, tomorrow):
    schedule_change(product, catalog_admin, tomorrow, penalty_rate_percent=50)
    schedule_change(product, catalog_admin, today, monthly_fee=32000)
    assert Product.objects.get(pk=product.pk).monthly_fee == 32000
    scheduled_changes_apply(today=tomorrow)
    assert Product.objects.get(pk=product.pk).monthly_fee == 32000


def test_withdrawing_records_who_and_when(catalog_admin, product, today):
    change = schedule_change_from_stored(
        product, catalog_admin, today + timedelta(days=3), penalty_rate_percent=50
    )
    other_admin = _other_admin()
    before = timezone.now()
    scheduled_change_withdraw(change=change, user=other_admin)
    change.refresh_from_db()
    assert change.cancelled_by == other_admin
    assert change.cancelled_at >= before
    assert change.created_by == catalog_admin


def _other_admin():
    from accounts.roles import Role
    from tests.factories import UserFactory

    return UserFactory(username="catalog-choi", role=Role.CATALOG_ADMIN)


def test_the_withdraw_page_records_the_admin(
    client_as_catalog_admin, catalog_admin, product, today
):
    change = schedule_change_from_stored(
        product, catalog_admin, today + timedelta(days=3), penalty_rate_percent=50
    )
    client_as_catalog_admin.post(reverse("catalog_change_withdraw", args=[change.pk]))
    change.refresh_from_db()
    assert change.cancelled_by == catalog_admin


def test_the_product_history_shows_each_scheduled_change_with_who_and_when(
    client, login, catalog_admin, product, today
):
    later = today + timedelta(days=3)
    applied = schedule_change_from_stored(
        product, catalog_admin, today + timedelta(days=1), installation_fee=0
    )
    withdrawn = schedule_change_from_stored(product, catalog_admin, later, penalty_rate_percent=50)
    pending = schedule_change_from_stored(product, catalog_admin, later, registration_fee=0)
    scheduled_changes_apply(today=today + timedelta(days=1))
    scheduled_change_withdraw(change=withdrawn, user=_other_admin())
    login(catalog_admin)
    page = client.get(reverse("catalog_history", args=["products", product.pk])).content.decode()
    section = page[page.index('id="scheduled-changes"') : page.index('class="versions"')]
    items = {pk: between(section, f'id="change-{pk}"', "</li>") for pk in (
        applied.pk, withdrawn.pk, pending.pk
    )}  # fmt: skip
    for change, text in zip((applied, withdrawn, pending), items.values(), strict=True):
        stamp = timezone.localtime(change.created_at).strftime("%Y-%m-%d %H:%M")
        assert f"scheduled {stamp} by catalog-lee" in text
        assert f"For {change.effective_from:%Y-%m-%d}" in text
    withdrawn.refresh_from_db()
    stamp = timezone.localtime(withdrawn.cancelled_at).strftime("%Y-%m-%d %H:%M")
    assert f"withdrawn {stamp} by catalog-choi" in items[withdrawn.pk]
    label = ProductCatalogForm().fields["penalty_rate_percent"].label
    assert f'<th scope="row">{label}</th><td>50</td>' in items[withdrawn.pk]
    applied.refresh_from_db()
    stamp = timezone.localtime(applied.applied_at).strftime("%Y-%m-%d %H:%M")
    assert f"applied {stamp}" in items[applied.pk]
    assert "pending" in items[pending.pk] and "withdrawn" not in items[pending.pk]
    # The applied one is also a version of the product, by the admin who scheduled it.
    version = CatalogVersion.objects.get(subject_id=product.pk, action="scheduled")
    assert version.user == catalog_admin


def test_a_scheduled_change_may_take_a_product_off_sale(catalog_admin, product, today):
    day = today + timedelta(days=1)
    schedule_change_from_stored(product, catalog_admin, day, is_active=False)
    assert scheduled_changes_apply(today=day) == 1
    assert not Product.objects.get(pk=product.pk).is_active


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
