"""Every catalog change is a version: created, published, edited (with a readable diff),
restored, retired, reactivated, deleted, reordered; a stale copy is refused. A version never
reaches back into what a customer was already told: presentations and quotes keep their
terms, and a product change waits for its date."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.offer_engine.loading import offers_for_request
from cancellations.services.closing import cancellation_insist
from cancellations.services.offers import offer_present
from catalog.choices import ReasonCategory
from catalog.forms.items import ProductCatalogForm, ReasonCatalogForm
from catalog.forms.offers import OfferCatalogForm
from catalog.models import CatalogVersion, Offer, Reason, ScheduledChange
from catalog.services.items import (
    catalog_reactivate,
    catalog_retire,
    catalog_save,
    offer_delete,
    offer_publish,
    reason_delete,
    reason_move,
)
from catalog.services.kinds import kind_for
from catalog.services.scheduled import (
    product_save,
    scheduled_change_withdraw,
    scheduled_changes_apply,
)
from catalog.services.versions import catalog_restore, history_for, version_latest
from core.errors import Conflict, ServiceError
from customers.models import Product
from customers.quote import QuoteTerms, cancellation_quote
from tests.catalog.data import instance_data, offer_data
from tests.factories import OfferFactory, ReasonFactory

pytestmark = pytest.mark.django_db


def _actions(instance) -> list[str]:
    return [v.version.action for v in reversed(history_for(instance))]


def _create(user, **overrides) -> Offer:
    return catalog_save(form=OfferCatalogForm(data=offer_data(**overrides)), user=user)


def _edit(instance, user, **overrides):
    form_class = kind_for(instance).form
    form = form_class(data=instance_data(instance, **overrides), instance=instance)
    return catalog_save(form=form, user=user)


def _codes(request) -> set[str]:
    fresh = CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)
    return {e.offer.code for e in offers_for_request(request=fresh)}


@pytest.fixture
def in_branch(walk):
    return walk("financial_burden")


# ---- create, publish, edit ------------------------------------------------------------------


def test_a_new_offer_is_version_1_and_a_draft_nobody_is_offered(catalog_admin, in_branch):
    offer = _create(catalog_admin)
    (version,) = CatalogVersion.objects.filter(subject_id=offer.pk)
    assert (version.version, version.action, version.user) == (1, "created", catalog_admin)
    assert version.snapshot["value"] == 20000
    assert version.snapshot["is_draft"] is True
    assert offer.is_draft
    assert "NEW-VISIT" not in _codes(in_branch)


def test_publishing_is_version_2_and_agents_are_offered_it(catalog_admin, in_branch):
    offer = _create(catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    offer.refresh_from_db()
    assert not offer.is_draft
    assert version_latest(offer) == 2
    assert _actions(offer) == ["created", "published"]
    assert "NEW-VISIT" in _codes(in_branch)
    with pytest.raises(ServiceError):
        offer_publish(offer=offer, user=catalog_admin)
    assert version_latest(offer) == 2


def test_an_edit_is_version_3_with_a_readable_diff(catalog_admin):
    offer = _create(catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    _edit(offer, catalog_admin, value=25000, name_en="Free check-up plus")
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
    offer = _create(catalog_admin)
    _edit(
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
    offer = _create(catalog_admin)
    _edit(offer, catalog_admin, value=25000)
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
    assert _actions(offer) == ["initial", "edited"]


def test_a_stale_copy_is_refused_and_changes_nothing(catalog_admin):
    offer = _create(catalog_admin)
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
    offer = _create(catalog_admin)
    stale = instance_data(offer, value=30000)
    _edit(offer, catalog_admin, value=25000)
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]), stale, follow=True
    )
    assert "Someone saved a newer version (2)" in response.content.decode()
    offer.refresh_from_db()
    assert offer.value == 25000
    assert version_latest(offer) == 2


# ---- restore, retire, reactivate ------------------------------------------------------------


def test_restoring_version_1_brings_back_its_terms_as_a_new_version(catalog_admin):
    offer = _create(catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    _edit(offer, catalog_admin, value=25000, name_en="Changed")
    restored = catalog_restore(instance=offer, version=1, user=catalog_admin)
    offer.refresh_from_db()
    assert (restored.version, restored.action) == (4, "restored")
    assert restored.note_text == "Restored version 1"
    assert (offer.value, offer.name_en) == (20000, "Free check-up")
    assert not offer.is_draft  # the terms come back, not the draft status of version 1
    assert restored.snapshot["is_draft"] is False
    assert {c.name for c in history_for(offer)[0].changes} == {"name_en", "value"}


def test_restoring_a_missing_version_is_refused(catalog_admin):
    offer = _create(catalog_admin)
    with pytest.raises(ServiceError):
        catalog_restore(instance=offer, version=7, user=catalog_admin)
    assert version_latest(offer) == 1


def test_a_version_that_fails_todays_checks_is_not_restored(catalog_admin, reason):
    offer = _create(catalog_admin, reasons=[reason("fee_burden").pk])
    _edit(offer, catalog_admin, reasons=[])
    catalog_retire(instance=reason("fee_burden"), user=catalog_admin)
    with pytest.raises(ServiceError) as refused:
        catalog_restore(instance=offer, version=1, user=catalog_admin)
    label = OfferCatalogForm().fields["reasons"].label
    assert any(d.startswith(f"{label}:") for d in refused.value.details)
    assert version_latest(offer) == 2
    assert not offer.reasons.exists()


def test_the_restore_page_makes_a_new_version(client_as_catalog_admin, catalog_admin):
    offer = _create(catalog_admin)
    _edit(offer, catalog_admin, value=25000)
    response = client_as_catalog_admin.post(
        reverse("catalog_restore", args=["offers", offer.pk, 1])
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.value == 20000
    assert _actions(offer) == ["created", "edited", "restored"]


def test_retire_and_reactivate_are_versions(catalog_admin, in_branch):
    offer = _create(catalog_admin)
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
    assert _actions(offer) == ["created", "published", "retired", "reactivated"]
    retired = history_for(offer)[1]
    assert [(c.label, c.before, c.after) for c in retired.changes] == [("In use", "yes", "no")]


# ---- delete and reorder ---------------------------------------------------------------------


def test_a_presented_offer_cannot_be_deleted(catalog_admin, agent, in_branch, fee_offer):
    offer_present(request_id=in_branch.pk, user=agent, offer_id=fee_offer.pk)
    with pytest.raises(ServiceError):
        offer_delete(offer=fee_offer, user=catalog_admin)
    assert Offer.objects.filter(pk=fee_offer.pk).exists()
    assert not CatalogVersion.objects.filter(action="deleted").exists()


def test_a_never_presented_draft_can_be_deleted(catalog_admin, reason):
    offer = _create(catalog_admin, reasons=[reason("fee_burden").pk])
    pk = offer.pk
    offer_delete(offer=offer, user=catalog_admin)
    assert not Offer.objects.filter(pk=pk).exists()
    assert list(
        CatalogVersion.objects.filter(subject_id=pk).order_by("version").values_list("action")
    ) == [("created",), ("deleted",)]


def test_an_offer_with_variants_cannot_be_deleted(catalog_admin):
    original = _create(catalog_admin)
    _create(catalog_admin, code="NEW-VISIT-B", variant_of=original.pk, traffic_share=20)
    with pytest.raises(ServiceError):
        offer_delete(offer=original, user=catalog_admin)
    assert Offer.objects.filter(pk=original.pk).exists()


def test_a_reason_in_use_cannot_be_deleted(catalog_admin, reason, in_branch):
    fee_burden = reason("fee_burden")
    with pytest.raises(ServiceError):
        reason_delete(reason=fee_burden, user=catalog_admin)
    assert Reason.objects.filter(pk=fee_burden.pk).exists()


def test_an_unused_reason_can_be_deleted(catalog_admin):
    unused = ReasonFactory(code="never-used")
    reason_delete(reason=unused, user=catalog_admin)
    assert not Reason.objects.filter(code="never-used").exists()
    assert CatalogVersion.objects.get(subject_id=unused.pk, action="deleted").user == catalog_admin


def _financial_order() -> list[tuple[str, int]]:
    return list(
        Reason.objects.filter(category=ReasonCategory.FINANCIAL)
        .order_by("sort_order", "code")
        .values_list("code", "sort_order")
    )


def test_moving_a_reason_reorders_its_category_from_0(catalog_admin, reason):
    assert [code for code, _order in _financial_order()] == [
        "income_drop",
        "household_budget",
        "fee_burden",
    ]
    other_categories = dict(
        Reason.objects.exclude(category=ReasonCategory.FINANCIAL).values_list("code", "sort_order")
    )
    reason_move(reason=reason("fee_burden"), user=catalog_admin, step=-1)
    assert _financial_order() == [("income_drop", 0), ("fee_burden", 1), ("household_budget", 2)]
    reason_move(reason=reason("income_drop"), user=catalog_admin, step=1)
    assert _financial_order() == [("fee_burden", 0), ("income_drop", 1), ("household_budget", 2)]
    assert other_categories == dict(
        Reason.objects.exclude(category=ReasonCategory.FINANCIAL).values_list("code", "sort_order")
    )
    assert _actions(reason("fee_burden")) == ["initial", "reordered", "reordered"]


def test_a_reason_at_the_edge_of_its_category_does_not_move(catalog_admin, reason):
    before = _financial_order()
    with pytest.raises(ServiceError):
        reason_move(reason=reason("income_drop"), user=catalog_admin, step=-1)
    with pytest.raises(ServiceError):
        reason_move(reason=reason("fee_burden"), user=catalog_admin, step=1)
    assert _financial_order() == before
    assert not CatalogVersion.objects.exists()


def test_editing_a_reason_keeps_its_place(catalog_admin, reason):
    reason_move(reason=reason("fee_burden"), user=catalog_admin, step=-1)
    fee_burden = reason("fee_burden")
    form = ReasonCatalogForm(
        data={**instance_data(fee_burden, label_en="Fees too high"), "sort_order": ""},
        instance=fee_burden,
    )
    catalog_save(form=form, user=catalog_admin)
    assert reason("fee_burden").label_en == "Fees too high"
    assert reason("fee_burden").sort_order == 1


# ---- versions never reach back into what a customer was told ----------------------------------


def test_editing_a_presented_offer_leaves_the_presentation_as_it_was(
    catalog_admin, agent, in_branch, fee_offer
):
    presented = offer_present(request_id=in_branch.pk, user=agent, offer_id=fee_offer.pk)
    before = OfferPresentation.objects.filter(pk=presented.pk).values().get()
    assert before["value"] == 3000
    assert before["terms"] == {"new_monthly_fee": 27000}

    _edit(
        fee_offer,
        catalog_admin,
        value=5000,
        fixed_cost=7000,
        name_en="KRW 5,000 off",
        name_ko="5천원 할인",
        script_en="New words.",
    )
    fee_offer.refresh_from_db()
    assert (fee_offer.value, fee_offer.name_en) == (5000, "KRW 5,000 off")

    assert OfferPresentation.objects.filter(pk=presented.pk).values().get() == before
    request = CancellationRequest.objects.get(pk=in_branch.pk)
    assert request.quote is None
    assert request.current_presentation_id == presented.pk


def test_editing_an_offer_leaves_the_stored_quote_as_it_was(
    catalog_admin, agent, in_branch, fee_offer
):
    offer_present(request_id=in_branch.pk, user=agent, offer_id=fee_offer.pk)
    cancellation_insist(request_id=in_branch.pk, user=agent)
    quote = CancellationRequest.objects.get(pk=in_branch.pk).quote
    _edit(fee_offer, catalog_admin, value=5000)
    assert CancellationRequest.objects.get(pk=in_branch.pk).quote == quote


def _schedule(product, user, day, **changes) -> ScheduledChange:
    form = ProductCatalogForm(
        data=instance_data(product, effective_from=day, **changes), instance=product
    )
    return product_save(form=form, user=user)


@pytest.fixture
def tomorrow(today):
    return today + timedelta(days=1)


def test_a_product_change_for_tomorrow_leaves_today_alone(catalog_admin, product, tomorrow):
    change = _schedule(product, catalog_admin, tomorrow, penalty_rate_percent=50)
    assert isinstance(change, ScheduledChange)
    assert change.effective_from == tomorrow
    assert change.created_by == catalog_admin
    assert change.snapshot["penalty_rate_percent"] == 50
    assert Product.objects.get(pk=product.pk).penalty_rate_percent == 30
    assert scheduled_changes_apply(today=tomorrow - timedelta(days=1)) == 0
    assert Product.objects.get(pk=product.pk).penalty_rate_percent == 30


def test_a_scheduled_change_is_applied_on_its_day_exactly_once(catalog_admin, product, tomorrow):
    change = _schedule(product, catalog_admin, tomorrow, penalty_rate_percent=50, monthly_fee=32000)
    assert scheduled_changes_apply(today=tomorrow) == 1
    fresh = Product.objects.get(pk=product.pk)
    assert (fresh.penalty_rate_percent, fresh.monthly_fee) == (50, 32000)
    change.refresh_from_db()
    assert change.applied_at is not None and change.cancelled_at is None
    assert _actions(fresh) == ["initial", "scheduled"]
    assert scheduled_changes_apply(today=tomorrow) == 0
    assert scheduled_changes_apply(today=tomorrow + timedelta(days=5)) == 0
    assert _actions(fresh) == ["initial", "scheduled"]


def test_a_withdrawn_change_is_never_applied(catalog_admin, product, tomorrow):
    change = _schedule(product, catalog_admin, tomorrow, penalty_rate_percent=50)
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
    change = _schedule(product, catalog_admin, tomorrow, penalty_rate_percent=50)
    response = client_as_catalog_admin.post(reverse("catalog_change_withdraw", args=[change.pk]))
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.cancelled_at is not None


def test_a_change_for_today_applies_at_once(catalog_admin, product, today):
    saved = _schedule(product, catalog_admin, today, penalty_rate_percent=50)
    assert isinstance(saved, Product)
    assert Product.objects.get(pk=product.pk).penalty_rate_percent == 50
    assert not ScheduledChange.objects.exists()


def test_an_edit_after_scheduling_is_not_silently_undone(catalog_admin, product, today, tomorrow):
    _schedule(product, catalog_admin, tomorrow, penalty_rate_percent=50)
    _schedule(product, catalog_admin, today, monthly_fee=32000)
    assert Product.objects.get(pk=product.pk).monthly_fee == 32000
    scheduled_changes_apply(today=tomorrow)
    assert Product.objects.get(pk=product.pk).monthly_fee == 32000


def test_a_product_change_leaves_a_stored_quote_as_it_was(
    catalog_admin, agent, in_branch, contract, product, today, tomorrow
):
    cancellation_insist(request_id=in_branch.pk, user=agent)
    quote = CancellationRequest.objects.get(pk=in_branch.pk).quote
    # 30,000 a month x 16 months left of the 36-month minimum x 30%
    assert next(line for line in quote["lines"] if line["code"] == "penalty")["amount"] == 144000

    _schedule(product, catalog_admin, today, penalty_rate_percent=50)
    _schedule(product, catalog_admin, tomorrow, penalty_rate_percent=60, installation_fee=0)
    scheduled_changes_apply(today=tomorrow)

    contract.refresh_from_db()
    requoted = cancellation_quote(terms=QuoteTerms.for_contract(contract), effective_date=today)
    assert requoted.line("penalty") == 30000 * 16 * 60 // 100  # today's policy differs...
    assert CancellationRequest.objects.get(pk=in_branch.pk).quote == quote  # ...the quote not
