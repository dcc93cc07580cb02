"""Deleting and reordering catalog items: nothing anything refers to is deleted (win-back
cases included, every referring model asked), and reasons move within their category."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cancellations.services.offers import offer_present
from catalog.choices import ReasonCategory
from catalog.forms.items import ReasonCatalogForm
from catalog.forms.offers import OfferCatalogForm
from catalog.models import CatalogVersion, Offer, Reason
from catalog.rules import catalog_uses, reason_in_use
from catalog.services.items import catalog_save, offer_delete, reason_delete, reason_move
from core.errors import ServiceError
from tests.catalog.data import instance_data, offer_data
from tests.catalog.helpers import FIN, offer_created, version_actions
from tests.factories import ContractFactory, ReasonFactory
from winback.choices import WinBackTier
from winback.models import WinBackCase

pytestmark = pytest.mark.django_db


# ---- delete and reorder ---------------------------------------------------------------------


def test_a_presented_offer_cannot_be_deleted(catalog_admin, agent, in_branch, fee_offer):
    offer_present(request_id=in_branch.pk, user=agent, offer_id=fee_offer.pk)
    with pytest.raises(ServiceError):
        offer_delete(offer=fee_offer, user=catalog_admin)
    assert Offer.objects.filter(pk=fee_offer.pk).exists()
    assert not CatalogVersion.objects.filter(action="deleted").exists()


def test_a_never_presented_draft_can_be_deleted(catalog_admin, reason):
    offer = offer_created(catalog_admin, reasons=[reason("fee_burden").pk])
    pk = offer.pk
    offer_delete(offer=offer, user=catalog_admin)
    assert not Offer.objects.filter(pk=pk).exists()
    assert list(
        CatalogVersion.objects.filter(subject_id=pk).order_by("version").values_list("action")
    ) == [("created",), ("deleted",)]


def test_an_offer_with_variants_cannot_be_deleted(catalog_admin):
    original = offer_created(catalog_admin)
    offer_created(catalog_admin, code="NEW-VISIT-B", variant_of=original.pk, traffic_share=20)
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
    assert version_actions(reason("fee_burden")) == ["initial", "reordered", "reordered"]


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


# ---- nothing referred to is deleted; every reference counts -----------------------------


def _win_back(**refs) -> WinBackCase:
    contract = ContractFactory()
    return WinBackCase.objects.create(
        contract=contract,
        customer=contract.customer,
        departed_on=timezone.localdate(),
        value=1_000_000,
        tier=WinBackTier.MIDDLE,
        **refs,
    )


def test_an_offer_only_a_win_back_case_refers_to_is_not_deleted(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    _win_back(offer=offer)
    with pytest.raises(ServiceError, match="win-back cases"):
        offer_delete(offer=offer, user=catalog_admin)
    assert Offer.objects.filter(pk=offer.pk).exists()
    assert not CatalogVersion.objects.filter(action="deleted").exists()


def test_deleting_an_offer_in_a_win_back_case_on_the_page_is_a_message(
    client_as_catalog_admin, catalog_admin
):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    _win_back(offer=offer)
    response = client_as_catalog_admin.post(
        reverse("catalog_act", args=["offers", offer.pk, "delete"]), follow=True
    )
    assert response.status_code == 200
    assert "This offer is in use (win-back cases): retire it instead." in (
        response.content.decode()
    )
    assert Offer.objects.filter(pk=offer.pk).exists()


@pytest.mark.parametrize("field", ["original_reason", "diagnosed_reason"])
def test_a_reason_only_a_win_back_case_refers_to_is_in_use(
    client_as_catalog_admin, catalog_admin, field
):
    reason = ReasonFactory(code="only-in-win-back", category=FIN)
    assert not reason_in_use(reason)
    _win_back(**{field: reason})
    assert reason_in_use(reason)
    assert catalog_uses(reason) == ["win-back cases"]
    with pytest.raises(ServiceError, match="in use"):
        reason_delete(reason=reason, user=catalog_admin)
    response = client_as_catalog_admin.post(
        reverse("catalog_act", args=["reasons", reason.pk, "delete"]), follow=True
    )
    assert response.status_code == 200
    assert "This reason is in use (win-back cases)" in response.content.decode()
    assert Reason.objects.filter(pk=reason.pk).exists()
    form = ReasonCatalogForm(
        data=instance_data(reason, category=ReasonCategory.DISSATISFACTION), instance=reason
    )
    assert set(form.errors) == {"category"}


def test_every_model_that_refers_to_a_reason_or_an_offer_is_asked(db):
    """The check follows the models' relations: each relation pointing at an offer or a
    reason (hidden ones included) is one the check asks, except history and own rows."""
    for model in (Offer, Reason):
        asked = {
            (r.related_model._meta.label, r.field.name)
            for r in model._meta.get_fields(include_hidden=True)
            if r.is_relation and r.auto_created and not r.concrete
            if not r.related_model._meta.auto_created
            if not r.related_model._meta.label.endswith("Event")
        }
        expected = {
            Offer: {
                ("cancellations.OfferPresentation", "offer"),
                ("catalog.Offer", "variant_of"),
                ("winback.WinBackCase", "offer"),
            },
            Reason: {
                ("cancellations.CancellationRequest", "reason"),
                ("cancellations.OfferPresentation", "reason"),
                ("catalog.Offer", "reasons"),
                ("winback.WinBackCase", "original_reason"),
                ("winback.WinBackCase", "diagnosed_reason"),
            },
        }[model]
        assert expected <= asked


def test_a_new_offer_nothing_refers_to_is_still_deleted(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    catalog_save(
        form=OfferCatalogForm(data=instance_data(offer, value=25000), instance=offer),
        user=catalog_admin,
    )  # its own history (versions, pghistory events) is no use
    assert catalog_uses(offer) == []
    offer_delete(offer=offer, user=catalog_admin)
    assert not Offer.objects.filter(pk=offer.pk).exists()
