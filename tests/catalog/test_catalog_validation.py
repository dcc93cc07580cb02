"""A bad value on any kind of catalog item is refused with one message on its field (with
unique ids on the page), and nothing is saved."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from catalog.choices import OfferKind
from catalog.forms.offers import OfferCatalogForm
from catalog.models import Battlecard, CatalogVersion, CustomerType, Offer, StepScript
from catalog.services.items import catalog_save
from catalog.services.kinds import KINDS
from tests.catalog.data import instance_data, offer_data
from tests.catalog.helpers import CARD, PLAYBOOK, SCRIPT, between
from tests.factories import OfferFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _ids(page: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', page))


# ---- one message per bad value, unique ids ----------------------------------------------

ONCE = [
    ("discount-0", {"kind": OfferKind.DISCOUNT_PERCENT, "value": 0}, "value", (
        "A discount is a percentage from 1 to 100."
    ), []),
    ("discount-101", {"kind": OfferKind.DISCOUNT_PERCENT, "value": 101, "agent_limit": 1},
     "value", "A discount is a percentage from 1 to 100.", []),
    ("no-category", {"reason_categories": []}, "reason_categories",
     "Choose at least one reason category it answers.", []),
    ("fee-adjustment-0", {"kind": OfferKind.FEE_ADJUSTMENT, "value": 0}, "value",
     "A fee adjustment takes at least 1 KRW off the fee.",
     ["This type of offer needs a value of at least 1."]),
    ("free-months-0", {"kind": OfferKind.FREE_MONTHS, "value": 0}, "value",
     "Free months: from 1 to 12.", ["This type of offer needs a value of at least 1."]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("overrides", "field", "message", "absent"),
    [pytest.param(o, f, m, a, id=i) for i, o, f, m, a in ONCE],
)
def test_a_bad_value_is_reported_once_on_its_field(
    client_as_catalog_admin, overrides, field, message, absent
):
    ProductFactory(monthly_fee=30000)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]), offer_data(**overrides)
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    page = response.content.decode()
    assert page.count(message) == 1
    for other in absent:
        assert other not in page
    duplicated = [name for name, n in _ids(page).items() if n > 1]
    assert duplicated == []
    assert f'id="error-{field}"' in page
    assert not Offer.objects.exists()


def test_two_bad_fields_get_one_message_each_and_distinct_ids(client_as_catalog_admin):
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]),
        offer_data(kind=OfferKind.DISCOUNT_PERCENT, value=0, reason_categories=[]),
    )
    errors = response.context["form"].errors
    assert errors["value"] == ["A discount is a percentage from 1 to 100."]
    assert errors["reason_categories"] == ["Choose at least one reason category it answers."]
    ids = _ids(response.content.decode())
    assert ids["error-value"] == 1 and ids["error-reason_categories"] == 1
    assert max(ids.values()) == 1


# ---- validation: a message, nothing saved ---------------------------------------------------


def _catalog_state():
    return (
        list(Offer.objects.order_by("pk").values()),
        list(CustomerType.objects.order_by("pk").values()),
        list(StepScript.objects.order_by("pk").values()),
        list(Battlecard.objects.order_by("pk").values()),
        CatalogVersion.objects.count(),
    )


POSITIVE = "Ensure this value is greater than or equal to 0."

REFUSED = [
    ("offers", offer_data(value=-1), "value", POSITIVE),
    ("offers", offer_data(fixed_cost=-1), "fixed_cost", POSITIVE),
    ("offers", offer_data(agent_limit=-1), "agent_limit", POSITIVE),
    ("offers", offer_data(code=""), "code", "This field is required."),
    ("offers", offer_data(code="   "), "code", "This field is required."),
    ("offers", offer_data(code="VISIT"), "code", "Offer with this Code already exists."),
    *[
        ("customer-types", {**PLAYBOOK, name: " "}, name, "This field is required.")
        for name in ("name_ko", "name_en", "tips_ko", "tips_en")
    ],
    *[
        ("scripts", {**SCRIPT, name: "  "}, name, "This field is required.")
        for name in ("text_ko", "text_en")
    ],
    *[
        ("battlecards", {**CARD, name: "\t"}, name, "This field is required.")
        for name in ("competitor", "their_offer_ko", "their_offer_en", "our_answer_ko",
                     "our_answer_en")
    ],
]  # fmt: skip


@pytest.mark.parametrize(
    ("slug", "data", "field", "message"),
    [pytest.param(s, d, f, m, id=f"{s}-{f}-{str(d.get(f))!r}") for s, d, f, m in REFUSED],
)
def test_a_bad_value_on_any_kind_is_refused_with_a_message(
    client_as_catalog_admin, visit_offer, slug, data, field, message
):
    before = _catalog_state()
    response = client_as_catalog_admin.post(reverse("catalog_new", args=[slug]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    error = between(response.content.decode(), f'id="error-{field}"', "</div>")
    assert message.replace("'", "&#x27;") in error
    assert _catalog_state() == before


def test_a_duplicate_code_on_an_edit_is_refused(client_as_catalog_admin, catalog_admin):
    OfferFactory(code="TAKEN")
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    before = _catalog_state()
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]), instance_data(offer, code="TAKEN")
    )
    assert response.context["form"].errors["code"] == ["Offer with this Code already exists."]
    assert _catalog_state() == before


@pytest.mark.parametrize("name", ["text_ko", "text_en"])
def test_a_blank_script_on_an_edit_is_refused(client_as_catalog_admin, catalog_admin, name):
    script = catalog_save(form=KINDS["scripts"].form(data=SCRIPT), user=catalog_admin)
    before = _catalog_state()
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["scripts", script.pk]), instance_data(script, **{name: ""})
    )
    assert name in response.context["form"].errors
    assert _catalog_state() == before
