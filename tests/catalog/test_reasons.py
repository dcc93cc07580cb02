"""Cancellation reasons in the catalog: a reason in use keeps its category but may be
relabelled, labels are never blank, a new reason is added in both languages and reaches
the picker, and a retired one leaves the picker while past requests keep it."""

import pytest
from django.urls import reverse

from cancellations.models import CancellationRequest
from cancellations.selectors import console_data
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.choices import ReasonCategory
from catalog.forms.items import ReasonCatalogForm
from catalog.models import CatalogVersion, Reason
from catalog.rules import reason_in_use
from catalog.services.items import catalog_retire
from core.errors import ServiceError
from tests.catalog.data import instance_data
from tests.catalog.helpers import FIN, speaking
from tests.factories import ContractFactory, OfferFactory, ReasonFactory

pytestmark = pytest.mark.django_db

# ---- the reason form ----------------------------------------------------------------------


def _reason_edit(reason, **overrides):
    return ReasonCatalogForm(data=instance_data(reason, **overrides), instance=reason)


@pytest.fixture(
    params=["offer-answers-it", "a-request-gave-it"],
)
def in_use(request, fee_burden):
    if request.param == "offer-answers-it":
        OfferFactory(reasons=[fee_burden])
    else:
        request.getfixturevalue("walk")("financial_burden")
    assert reason_in_use(fee_burden)
    return fee_burden


def test_reason_in_use_cannot_change_category(in_use):
    form = _reason_edit(in_use, category=ReasonCategory.DISSATISFACTION)
    assert not form.is_valid()
    assert set(form.errors) == {"category"}


def test_reason_in_use_page_refuses_a_category_change(client_as_catalog_admin, in_use):
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["reasons", in_use.pk]),
        instance_data(in_use, category=ReasonCategory.DISSATISFACTION),
    )
    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    in_use.refresh_from_db()
    assert in_use.category == ReasonCategory.FINANCIAL
    assert not CatalogVersion.objects.exists()


def test_reason_in_use_may_still_be_relabelled(in_use):
    form = _reason_edit(in_use, label_en="The fee is too high")
    assert form.is_valid(), form.errors


def test_unused_reason_may_change_category(db):
    unused = ReasonFactory(code="unused-reason", category=ReasonCategory.FINANCIAL)
    assert not reason_in_use(unused)
    form = _reason_edit(unused, category=ReasonCategory.DISSATISFACTION)
    assert form.is_valid(), form.errors


def test_reason_labels_cannot_be_blank(db):
    unused = ReasonFactory(code="unused-reason")
    form = _reason_edit(unused, label_ko=" ", label_en="")
    assert not form.is_valid()
    assert set(form.errors) == {"label_ko", "label_en"}


def _fresh(request) -> CancellationRequest:
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)


# ---- reasons: added in both languages, retired from the picker ------------------------------


def test_an_admin_adds_a_reason_in_both_languages(client, login, catalog_admin, agent, opened):
    login(catalog_admin)
    response = client.post(
        reverse("catalog_new", args=["reasons"]),
        {
            "code": "rent_rise",
            "category": FIN,
            "label_ko": "월세가 올랐어요",
            "label_en": "The rent went up",
        },
    )
    reason = Reason.objects.get(code="rent_rise")
    assert response.status_code == 302
    assert (reason.label_ko, reason.label_en, reason.is_active) == (
        "월세가 올랐어요",
        "The rent went up",
        True,
    )
    assert CatalogVersion.objects.get(subject_id=reason.pk, action="created").user == catalog_admin
    for language, label in (("ko", "월세가 올랐어요"), ("en", "The rent went up")):
        login(speaking(agent, language))
        page = client.get(reverse("console", args=[opened.pk])).content.decode()
        option = page[page.index(f'data-value="{reason.pk}"') :].split("</li>")[0]
        assert 'data-category="financial"' in option and label in option


def test_a_retired_reason_leaves_the_picker_and_past_requests_keep_it(
    client, login, catalog_admin, agent, walk, reason, contract
):
    fee_burden = reason("fee_burden")
    past = walk("financial_burden")
    catalog_retire(instance=fee_burden, user=catalog_admin)
    new_call = cancellation_open(contract_id=ContractFactory().pk, user=agent)
    groups = console_data(request=_fresh(new_call), user=agent)["reasons"]
    picker = [entry.reason for group in groups for entry in group.reasons]
    assert fee_burden not in picker
    assert reason("income_drop") in picker
    login(agent)
    page = client.get(reverse("console", args=[new_call.pk])).content.decode()
    assert f'data-value="{fee_burden.pk}"' not in page
    assert f'data-value="{reason("income_drop").pk}"' in page
    with pytest.raises(ServiceError, match="Choose a reason from the list"):
        cancellation_identify_reason(request_id=new_call.pk, user=agent, reason_id=fee_burden.pk)
    assert CancellationRequest.objects.get(pk=past.pk).reason_id == fee_burden.pk
    customer_page = client.get(reverse("customer", args=[contract.customer_id])).content.decode()
    assert "The monthly fee is a burden" in customer_page
