"""Who may enter the catalog workspace: catalog admins and superusers read and edit,
supervisors read, agents are refused by the server (403), anonymous visitors are sent to
log in. A refused
change changes nothing. The list and history pages run a bounded number of queries."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.choices import OfferKind, ReasonCategory
from catalog.forms.items import ProductCatalogForm
from catalog.forms.offers import OfferCatalogForm
from catalog.models import (
    Battlecard,
    CatalogVersion,
    CustomerType,
    Offer,
    Reason,
    ScheduledChange,
    StepScript,
)
from catalog.services import kinds
from catalog.services.items import catalog_save
from catalog.services.scheduled import product_save
from customers.models import Product
from tests.catalog.data import instance_data, offer_data, product_data
from tests.factories import OfferFactory, ProductFactory, ReasonFactory, UserFactory

pytestmark = pytest.mark.django_db

KINDS = list(kinds.KINDS)
READERS = [
    ("catalog_admin", 200),
    ("superuser", 200),
    ("supervisor", 200),
    ("agent", 403),
    (None, 302),
]
EDITORS = ["catalog_admin", "superuser"]


@pytest.fixture
def superuser(db):
    """A superuser in no group at all: the flag alone lets them in."""
    return UserFactory(username="root-jung", is_superuser=True, is_staff=True)


@pytest.fixture
def items(catalog_admin, product):
    """One item of every kind (the offer a draft with two versions), a retired offer, an
    unused reason and a pending product change."""
    draft = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    catalog_save(
        form=OfferCatalogForm(data=instance_data(draft, value=25000), instance=draft),
        user=catalog_admin,
    )
    change = product_save(
        form=ProductCatalogForm(
            data=instance_data(
                product,
                penalty_rate_percent=50,
                effective_from=timezone.localdate() + timedelta(days=1),
            ),
            instance=product,
        ),
        user=catalog_admin,
    )
    return SimpleNamespace(
        by_kind={
            "offers": draft,
            "reasons": Reason.objects.get(code="fee_burden"),
            "products": product,
            "customer-types": CustomerType.objects.first(),
            "scripts": StepScript.objects.create(
                key="financial_burden", text_ko="부담을 덜어 드릴게요.", text_en="Ease the burden."
            ),
            "battlecards": Battlecard.objects.create(
                competitor="Rival Rentals",
                their_offer_ko="첫 달 무료",
                their_offer_en="First month free",
                our_answer_ko="관리 이력",
                our_answer_en="Care history",
            ),
        },
        draft=draft,
        live=OfferFactory(code="LIVE"),
        retired=OfferFactory(code="RETIRED", is_active=False),
        unused_reason=ReasonFactory(code="never-used", category=ReasonCategory.FINANCIAL),
        change=change,
    )


def _pages(items) -> dict[str, str]:
    pages = {"catalog": reverse("catalog"), "export": reverse("catalog_offers_export")}
    for slug in KINDS:
        pk = items.by_kind[slug].pk
        pages[f"list-{slug}"] = reverse("catalog_list", args=[slug])
        pages[f"new-{slug}"] = reverse("catalog_new", args=[slug])
        pages[f"edit-{slug}"] = reverse("catalog_edit", args=[slug, pk])
        pages[f"history-{slug}"] = reverse("catalog_history", args=[slug, pk])
    pages["history-offers-version-1"] = reverse("catalog_history", args=["offers", items.draft.pk])
    return pages


PAGE_KEYS = [
    "catalog",
    "export",
    "history-offers-version-1",
    *[f"{page}-{slug}" for page in ("list", "new", "edit", "history") for slug in KINDS],
]


def _state():
    """Everything a catalog POST could change."""
    return (
        list(Offer.objects.order_by("pk").values_list("pk", "value", "is_draft", "is_active")),
        list(Reason.objects.order_by("pk").values_list("pk", "category", "sort_order")),
        list(Product.objects.order_by("pk").values_list("pk", "penalty_rate_percent")),
        list(ScheduledChange.objects.order_by("pk").values_list("pk", "cancelled_at")),
        CatalogVersion.objects.count(),
    )


IMPORT_CSV = (
    "code,kind,name_ko,name_en,script_ko,script_en,value,reason_categories,min_tenure_months,"
    "fixed_cost\nCSV-NEW,gift,선물,Gift,선물을 드립니다.,A gift.,5000,financial,0,0\n"
)


def _actions(items) -> dict[str, tuple[str, dict]]:
    draft, fee_burden = items.draft, items.by_kind["reasons"]
    income_drop = Reason.objects.get(code="income_drop")
    act = "catalog_act"
    return {
        "new-offer": (reverse("catalog_new", args=["offers"]), offer_data(code="POSTED")),
        "new-product": (reverse("catalog_new", args=["products"]), product_data()),
        "edit-offer": (
            reverse("catalog_edit", args=["offers", draft.pk]),
            instance_data(draft, value=1000),
        ),
        "publish": (reverse(act, args=["offers", draft.pk, "publish"]), {}),
        "retire": (reverse(act, args=["offers", items.live.pk, "retire"]), {}),
        "reactivate": (reverse(act, args=["offers", items.retired.pk, "reactivate"]), {}),
        "delete-offer": (reverse(act, args=["offers", draft.pk, "delete"]), {}),
        "delete-reason": (reverse(act, args=["reasons", items.unused_reason.pk, "delete"]), {}),
        "retire-reason": (reverse(act, args=["reasons", fee_burden.pk, "retire"]), {}),
        "up": (reverse(act, args=["reasons", fee_burden.pk, "up"]), {}),
        "down": (reverse(act, args=["reasons", income_drop.pk, "down"]), {}),
        "restore": (reverse("catalog_restore", args=["offers", draft.pk, 1]), {}),
        "import": (reverse("catalog_offers_import"), {"content": IMPORT_CSV, "apply": "1"}),
        "withdraw": (reverse("catalog_change_withdraw", args=[items.change.pk]), {}),
    }


ACTION_KEYS = [
    "new-offer",
    "new-product",
    "edit-offer",
    "publish",
    "retire",
    "reactivate",
    "delete-offer",
    "delete-reason",
    "retire-reason",
    "up",
    "down",
    "restore",
    "import",
    "withdraw",
]


@pytest.mark.parametrize("page", PAGE_KEYS)
@pytest.mark.parametrize(("who", "expected"), READERS)
def test_catalog_pages(client, login, request, items, page, who, expected):
    if who:
        login(request.getfixturevalue(who))
    query = {"v": "1"} if page == "history-offers-version-1" else {}
    response = client.get(_pages(items)[page], query)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))


def test_the_list_of_actions_covers_every_page_that_writes(items):
    assert set(_actions(items)) == set(ACTION_KEYS)


@pytest.mark.parametrize("action", ACTION_KEYS)
@pytest.mark.parametrize(("who", "expected"), [("supervisor", 403), ("agent", 403), (None, 302)])
def test_catalog_changes_refuse_everyone_but_catalog_admins(
    client, login, request, items, action, who, expected
):
    url, data = _actions(items)[action]
    if who:
        login(request.getfixturevalue(who))
    before = _state()
    response = client.post(url, data)
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))
    assert _state() == before


@pytest.mark.parametrize("action", ACTION_KEYS)
@pytest.mark.parametrize("who", EDITORS)
def test_catalog_changes_are_made_by_catalog_admins(client, login, request, items, action, who):
    login(request.getfixturevalue(who))
    url, data = _actions(items)[action]
    before = _state()
    response = client.post(url, data)
    assert response.status_code == 302
    assert not response["Location"].startswith(reverse("login"))
    assert _state() != before


@pytest.mark.parametrize("who", EDITORS)
def test_editors_see_the_edit_buttons(client, login, request, items, who):
    login(request.getfixturevalue(who))
    page = client.get(reverse("catalog_edit", args=["offers", items.draft.pk]))
    assert page.context["can_edit"] is True
    assert 'id="publish"' in page.content.decode()
    assert 'id="save-button"' in page.content.decode()


def test_the_import_page_is_for_catalog_admins_only(client_as_supervisor, client, login, agent):
    assert client_as_supervisor.get(reverse("catalog_offers_import")).status_code == 403
    login(agent)
    assert client.get(reverse("catalog_offers_import")).status_code == 403


def test_supervisors_read_without_edit_buttons(client_as_supervisor, items):
    page = client_as_supervisor.get(reverse("catalog_edit", args=["offers", items.draft.pk]))
    assert page.status_code == 200
    assert page.context["can_edit"] is False
    assert 'id="publish"' not in page.content.decode()
    assert 'id="save-button"' not in page.content.decode()


@pytest.mark.parametrize(
    ("slug", "action"),
    [
        ("reasons", "publish"),
        ("products", "publish"),
        ("scripts", "retire"),
        ("scripts", "reactivate"),
        ("products", "delete"),
        ("offers", "up"),
        ("offers", "shred"),
    ],
)
def test_an_action_the_kind_does_not_have_is_not_found(
    client_as_catalog_admin, items, slug, action
):
    before = _state()
    response = client_as_catalog_admin.post(
        reverse("catalog_act", args=[slug, items.by_kind[slug].pk, action])
    )
    assert response.status_code == 404
    assert _state() == before


def test_an_unknown_kind_is_not_found(client_as_catalog_admin):
    assert client_as_catalog_admin.get("/catalog/shoes/").status_code == 404


# ---- queries --------------------------------------------------------------------------------

LIST_LIMIT = 8
HISTORY_LIMIT = 10


def test_offer_list_queries_do_not_grow_with_the_catalog(
    client_as_catalog_admin, django_assert_max_num_queries
):
    original = OfferFactory(code="AB")
    url = reverse("catalog_list", args=["offers"])
    with django_assert_max_num_queries(LIST_LIMIT) as few:
        assert client_as_catalog_admin.get(url).status_code == 200
    for n in range(15):
        OfferFactory(code=f"MORE-{n}")
        OfferFactory(code=f"AB-{n}", variant_of=original, traffic_share=1)
    with django_assert_max_num_queries(LIST_LIMIT) as many:
        response = client_as_catalog_admin.get(url)
    assert response.content.decode().count("variant of AB, 1% of calls") == 15
    assert len(many) == len(few)


def test_history_queries_do_not_grow_with_the_versions(
    client_as_catalog_admin, catalog_admin, reason, django_assert_max_num_queries
):
    """Versions that name related items (sub-reasons, a target product) in their diffs."""
    target = ProductFactory(code="P-LITE", monthly_fee=10000)
    reasons = [reason("fee_burden").pk, reason("income_drop").pk]
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)

    def edit(n):
        changes = {"kind": OfferKind.SERVICE_IMPROVEMENT, "value": 20001 + n, "target_product": ""}
        if n % 3 == 1:
            changes["reasons"] = reasons[: 1 + n % 2]
        if n % 3 == 2:
            changes.update(kind=OfferKind.PRODUCT_CHANGE, value=0, target_product=target.pk)
        catalog_save(
            form=OfferCatalogForm(data=instance_data(offer, **changes), instance=offer),
            user=catalog_admin,
        )

    for n in range(3):
        edit(n)
    url = reverse("catalog_history", args=["offers", offer.pk])
    with django_assert_max_num_queries(HISTORY_LIMIT) as few:
        assert client_as_catalog_admin.get(url).status_code == 200
    for n in range(3, 33):
        edit(n)
    with django_assert_max_num_queries(HISTORY_LIMIT) as many:
        response = client_as_catalog_admin.get(url)
    page = response.content.decode()
    assert page.count('class="diff"') == 34
    assert "Lower income, The monthly fee is a burden" in page
    assert str(target) in page
    assert len(many) == len(few)


def test_history_queries_do_not_grow_with_value_only_versions(
    client_as_catalog_admin, catalog_admin, django_assert_max_num_queries
):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    url = reverse("catalog_history", args=["offers", offer.pk])
    with django_assert_max_num_queries(HISTORY_LIMIT) as few:
        client_as_catalog_admin.get(url)
    for n in range(30):
        catalog_save(
            form=OfferCatalogForm(data=instance_data(offer, value=20001 + n), instance=offer),
            user=catalog_admin,
        )
    with django_assert_max_num_queries(HISTORY_LIMIT) as many:
        response = client_as_catalog_admin.get(url)
    assert 'id="v31"' in response.content.decode()
    assert len(many) == len(few)
