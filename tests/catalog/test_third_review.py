"""Holes a third review found in the catalog workspace, each closed, and the behaviour its
tests had left unpinned: A/B variants outside their window, deleting what a win-back case
refers to, a bad value reported twice, who withdrew a scheduled change, history notes in the
reader's language, codes that must not change, what the preview and past versions show,
validation of every kind, the reason picker, superusers, accepted terms and query bounds."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest, OfferPresentation
from cancellations.offer_engine.ab import variant_bucket, variant_drawn
from cancellations.offer_engine.loading import offer_evaluate_for_request, offers_for_request
from cancellations.selectors import console_data
from cancellations.services.offers import offer_accept, offer_present
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.choices import OfferKind, ReasonCategory
from catalog.forms.items import ProductCatalogForm, ReasonCatalogForm
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
from catalog.rules import catalog_uses, reason_in_use
from catalog.scripts import script_keys
from catalog.services.items import (
    catalog_reactivate,
    catalog_retire,
    catalog_save,
    offer_delete,
    offer_publish,
    reason_delete,
)
from catalog.services.kinds import KINDS
from catalog.services.scheduled import (
    product_save,
    scheduled_change_withdraw,
    scheduled_changes_apply,
)
from catalog.services.versions import catalog_restore
from core.errors import ServiceError
from customers.models import Contract, Product
from tests.catalog.data import instance_data, offer_data
from tests.factories import ContractFactory, OfferFactory, ProductFactory, ReasonFactory
from winback.choices import WinBackTier
from winback.models import WinBackCase

pytestmark = pytest.mark.django_db

FIN = ReasonCategory.FINANCIAL
PLAYBOOK = {
    "code": "hurried",
    "name_ko": "바쁜 고객",
    "name_en": "In a hurry",
    "tips_ko": "요점만 짧게 말씀드리세요.",
    "tips_en": "Keep to the point.",
    "sort_order": 9,
}
SCRIPT = {
    "key": RequestState.FINANCIAL_BURDEN,
    "text_ko": "요금 부담을 먼저 여쭤 보세요.",
    "text_en": "First ask what about the fee weighs on them.",
}


def _fresh(request) -> CancellationRequest:
    return CancellationRequest.objects.select_related(
        "contract__product", "customer", "reason"
    ).get(pk=request.pk)


def _speaking(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


def _ids(page: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', page))


# ---- a variant outside its window takes no calls ----------------------------------------

WINDOWS = {
    "not-started": ({"active_from": timedelta(days=1)}, "The offer is not active yet."),
    "expired": (
        {"active_from": -timedelta(days=10), "active_until": -timedelta(days=1)},
        "The offer has expired.",
    ),
}


@pytest.fixture
def windowed_ab(walk):
    """A financial-burden call and an A/B test whose variant's share covers this call's
    bucket: by share alone, the call is the variant's."""

    def build(window: str):
        request = _fresh(walk("financial_burden"))
        code = next(
            f"AB-{n}" for n in range(100) if 1 <= variant_bucket(request.pk, f"AB-{n}") <= 98
        )
        now = timezone.now()
        bounds, why = WINDOWS[window]
        original = OfferFactory(code=code, reason_categories=[FIN])
        variant = OfferFactory(
            code=f"{code}-B",
            value=25000,
            reason_categories=[FIN],
            variant_of=original,
            traffic_share=variant_bucket(request.pk, code) + 1,
            **{name: now + delta for name, delta in bounds.items()},
        )
        assert variant_drawn(request.pk, original, [variant]) == variant
        return request, original, variant, why

    return build


@pytest.mark.parametrize("window", list(WINDOWS))
def test_a_variant_outside_its_window_leaves_the_call_to_the_original(windowed_ab, agent, window):
    request, original, variant, why = windowed_ab(window)
    codes = [e.offer.code for e in offers_for_request(request=request)]
    assert original.code in codes
    assert variant.code not in codes
    everything = {
        e.offer.code: e for e in offers_for_request(request=request, include_ineligible=True)
    }
    assert everything[original.code].eligible
    assert everything[variant.code].why_not == [why]  # not "another arm was drawn"
    assert offer_evaluate_for_request(request=request, offer=original).eligible
    assert offer_evaluate_for_request(request=request, offer=variant).why_not == [why]
    presented = offer_present(request_id=request.pk, user=agent, offer_id=original.pk)
    assert presented.code == original.code


def test_a_variant_takes_its_share_again_once_its_window_opens(windowed_ab):
    request, original, variant, _why = windowed_ab("not-started")
    later = timezone.now() + timedelta(days=2)
    codes = [e.offer.code for e in offers_for_request(request=request, now=later)]
    assert codes.count(variant.code) == 1
    assert original.code not in codes
    assert not offer_evaluate_for_request(request=request, offer=original, now=later).eligible


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


# ---- who withdrew a scheduled change, and the product's history -------------------------


def _schedule(product, user, day, **changes) -> ScheduledChange:
    product = Product.objects.get(pk=product.pk)  # a bound form writes on its instance
    form = ProductCatalogForm(
        data=instance_data(product, effective_from=day, **changes), instance=product
    )
    return product_save(form=form, user=user)


def test_withdrawing_records_who_and_when(catalog_admin, product, today):
    change = _schedule(product, catalog_admin, today + timedelta(days=3), penalty_rate_percent=50)
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
    change = _schedule(product, catalog_admin, today + timedelta(days=3), penalty_rate_percent=50)
    client_as_catalog_admin.post(reverse("catalog_change_withdraw", args=[change.pk]))
    change.refresh_from_db()
    assert change.cancelled_by == catalog_admin


def test_the_product_history_shows_each_scheduled_change_with_who_and_when(
    client, login, catalog_admin, product, today
):
    later = today + timedelta(days=3)
    applied = _schedule(product, catalog_admin, today + timedelta(days=1), installation_fee=0)
    withdrawn = _schedule(product, catalog_admin, later, penalty_rate_percent=50)
    pending = _schedule(product, catalog_admin, later, registration_fee=0)
    scheduled_changes_apply(today=today + timedelta(days=1))
    scheduled_change_withdraw(change=withdrawn, user=_other_admin())
    login(catalog_admin)
    page = client.get(reverse("catalog_history", args=["products", product.pk])).content.decode()
    section = page[page.index('id="scheduled-changes"') : page.index('class="versions"')]
    items = {pk: _between(section, f'id="change-{pk}"', "</li>") for pk in (
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


def _between(text: str, start: str, end: str) -> str:
    head = text.index(start)
    return text[head : text.index(end, head)]


# ---- won in Korean, notes and problems in the reader's language -------------------------


def test_the_ranking_preview_shows_won_to_a_korean_admin(
    client_as_catalog_admin, catalog_admin, walk, fee_offer, visit_offer
):
    walk("financial_burden")
    _speaking(catalog_admin, "ko")
    data = offer_data(code="GIFT-1000", kind=OfferKind.GIFT, value=1000, fixed_cost=1000)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]), {**data, "preview": "1"}
    )
    ranked = _between(response.content.decode(), '<ol class="ranked">', "</ol>")
    assert "1,199,000원" in ranked  # the gift: 30,000 x 40 months - 1,000
    assert "KRW" not in ranked


def test_the_ranking_preview_shows_krw_to_an_english_admin(
    client_as_catalog_admin, walk, fee_offer, visit_offer
):
    walk("financial_burden")
    data = offer_data(code="GIFT-1000", kind=OfferKind.GIFT, value=1000, fixed_cost=1000)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]), {**data, "preview": "1"}
    )
    ranked = _between(response.content.decode(), '<ol class="ranked">', "</ol>")
    assert "KRW 1,199,000" in ranked
    assert "원" not in ranked


def _history_page(client, login, user, language, slug, pk) -> str:
    login(_speaking(user, language))
    return client.get(reverse("catalog_history", args=[slug, pk])).content.decode()


def test_version_notes_read_in_the_readers_language(client, login, catalog_admin, supervisor):
    offer = OfferFactory(code="OLD", value=20000)
    with translation.override("ko"):  # written by a Korean admin
        catalog_save(
            form=OfferCatalogForm(data=instance_data(offer, value=15000), instance=offer),
            user=catalog_admin,
        )
        catalog_restore(instance=offer, version=1, user=catalog_admin)
    english = _history_page(client, login, supervisor, "en", "offers", offer.pk)
    assert "State before the first edit" in english
    assert "Restored version 1" in english
    assert "복원" not in english and "첫 수정 전 상태" not in english
    korean = _history_page(client, login, supervisor, "ko", "offers", offer.pk)
    assert "첫 수정 전 상태" in korean
    assert "버전 1 복원" in korean
    assert "Restored version" not in korean


def test_the_workers_notes_read_in_the_readers_language(
    client, login, catalog_admin, supervisor, product, today
):
    day = today + timedelta(days=1)
    _schedule(product, catalog_admin, day, penalty_rate_percent=50)
    with translation.override("ko"):  # the Celery worker runs in the site's language
        assert scheduled_changes_apply(today=day) == 1
    english = _history_page(client, login, supervisor, "en", "products", product.pk)
    assert f"Scheduled for {day:%Y-%m-%d}" in english
    korean = _history_page(client, login, supervisor, "ko", "products", product.pk)
    assert f"{day:%Y-%m-%d} 적용 예약" in korean


def test_why_a_scheduled_change_failed_reads_in_the_readers_language(
    client, login, catalog_admin, supervisor, product, today
):
    later = today + timedelta(days=10)
    _schedule(product, catalog_admin, later, fee_floor=product.monthly_fee - 500)
    _schedule(product, catalog_admin, "", monthly_fee=product.monthly_fee - 1000, fee_floor=0)
    with translation.override("ko"):
        assert scheduled_changes_apply(today=later) == 0
    change = ScheduledChange.objects.get(effective_from=later)
    assert set(change.problem_texts) == {"ko", "en"}
    with translation.override("ko"):
        korean_refusal = translation.gettext("This version no longer passes today's checks.")
    assert korean_refusal != "This version no longer passes today's checks."
    login(_speaking(supervisor, "en"))
    english = client.get(reverse("catalog_list", args=["products"])).content.decode()
    assert "The lowest adjusted fee is above the fee itself." in english
    assert korean_refusal not in english
    login(_speaking(supervisor, "ko"))
    korean = client.get(reverse("catalog_list", args=["products"])).content.decode()
    assert korean_refusal in korean
    assert "no longer passes" not in korean


@pytest.mark.parametrize(("language", "label"), [("en", "What to say"), ("ko", "안내 멘트")])
def test_the_script_preview_labels_the_script_in_the_readers_language(
    client_as_catalog_admin, catalog_admin, language, label
):
    _speaking(catalog_admin, language)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["scripts"]),
        {
            "key": RequestState.FINANCIAL_BURDEN,
            "text_ko": "부담",
            "text_en": "Burden",
            "preview": 1,
        },
    )
    preview = _between(response.content.decode(), 'class="grid agent-preview"', "</section>")
    assert preview.count(f'aria-label="{label}"') == 2
    assert "상담 스크립트" not in preview


# ---- the history in Korean ------------------------------------------------------------------


def test_the_history_names_actions_in_korean_for_a_korean_reader(client, login, catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    with translation.override("ko"):
        published = str(CatalogVersion.Action.PUBLISHED.label)
        created = str(CatalogVersion.Action.CREATED.label)
    assert published != "published"
    page = _history_page(client, login, catalog_admin, "ko", "offers", offer.pk)
    assert f"· {published}" in page and f"· {created}" in page
    assert "· published" not in page and "· created" not in page


# ---- codes stay; the list says when an offer runs; a restore keeps the status -----------


def test_a_published_offers_code_cannot_change(client_as_catalog_admin, catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    versions = CatalogVersion.objects.count()
    response = client_as_catalog_admin.post(
        reverse("catalog_edit", args=["offers", offer.pk]),
        instance_data(offer, code="RENAMED"),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["code"]
    assert "its code cannot change" in response.content.decode()
    assert Offer.objects.get(pk=offer.pk).code == "NEW-VISIT"
    assert CatalogVersion.objects.count() == versions


def test_a_presented_offers_code_cannot_change_even_back_in_draft(
    catalog_admin, agent, walk, fee_offer
):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    Offer.objects.filter(pk=fee_offer.pk).update(is_draft=True)  # an import can do this
    fee_offer.refresh_from_db()
    form = OfferCatalogForm(data=instance_data(fee_offer, code="FEE-RENAMED"), instance=fee_offer)
    assert list(form.errors) == ["code"]


def test_an_offer_published_once_keeps_its_code_back_in_draft(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    Offer.objects.filter(pk=offer.pk).update(is_draft=True)  # an import can do this
    offer = Offer.objects.get(pk=offer.pk)
    form = OfferCatalogForm(data=instance_data(offer, code="RENAMED"), instance=offer)
    assert list(form.errors) == ["code"]


def test_a_draft_never_published_may_change_its_code(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    form = OfferCatalogForm(data=instance_data(offer, code="RENAMED"), instance=offer)
    catalog_save(form=form, user=catalog_admin)
    assert Offer.objects.get(pk=offer.pk).code == "RENAMED"


def test_a_published_offer_keeps_other_edits(catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    form = OfferCatalogForm(data=instance_data(offer, value=25000), instance=offer)
    assert form.is_valid(), form.errors


def test_the_offer_list_says_scheduled_live_or_ended(client_as_catalog_admin):
    now = timezone.now()
    OfferFactory(code="A-SOON", active_from=now + timedelta(days=2))
    OfferFactory(code="B-NOW", active_from=now - timedelta(days=2))
    OfferFactory(code="C-OVER", active_until=now - timedelta(minutes=5))
    OfferFactory(code="D-RETIRED", is_active=False, active_from=now + timedelta(days=2))
    page = client_as_catalog_admin.get(reverse("catalog_list", args=["offers"])).content.decode()
    rows = {
        code: _between(page, f">{code}</a>", "</tr>")
        for code in ("A-SOON", "B-NOW", "C-OVER", "D-RETIRED")
    }
    assert "Scheduled from" in rows["A-SOON"] and "Live" not in rows["A-SOON"]
    assert "Live" in rows["B-NOW"]
    assert "Ended" in rows["C-OVER"] and "Live" not in rows["C-OVER"]
    assert "Retired" in rows["D-RETIRED"] and "Scheduled" not in rows["D-RETIRED"]


def test_restoring_a_product_version_brings_back_its_terms_not_its_sale_status(
    catalog_admin, product
):
    form = ProductCatalogForm(
        data=instance_data(product, penalty_rate_percent=50, is_active=False), instance=product
    )
    catalog_save(form=form, user=catalog_admin)  # versions 1 (before) and 2
    assert not Product.objects.get(pk=product.pk).is_active
    catalog_restore(instance=product, version=1, user=catalog_admin)
    restored = Product.objects.get(pk=product.pk)
    assert restored.penalty_rate_percent == 30
    assert restored.is_active is False  # off sale until someone reactivates it
    catalog_reactivate(instance=restored, user=catalog_admin)
    assert Product.objects.get(pk=product.pk).is_active


def test_a_scheduled_change_may_take_a_product_off_sale(catalog_admin, product, today):
    day = today + timedelta(days=1)
    _schedule(product, catalog_admin, day, is_active=False)
    assert scheduled_changes_apply(today=day) == 1
    assert not Product.objects.get(pk=product.pk).is_active


# ---- what the preview shows -----------------------------------------------------------------


def _preview(client, slug, data, pk=None):
    url = reverse("catalog_edit", args=[slug, pk]) if pk else reverse("catalog_new", args=[slug])
    response = client.post(url, {**data, "preview": "1"})
    assert response.status_code == 200
    return response


def test_the_preview_lists_the_sub_reasons_a_draft_answers(client_as_catalog_admin, reason):
    retired = ReasonFactory(code="retired-one", category=FIN, label_en="Gone reason")
    Reason.objects.filter(pk=retired.pk).update(is_active=False)
    every = _preview(client_as_catalog_admin, "offers", offer_data())
    labels = [r.label for r in every.context["preview"]["reasons"]]
    assert labels == ["Lower income", "Cutting household spending", "The monthly fee is a burden"]
    answers = _between(every.content.decode(), "<strong>Answers</strong>", "</p>")
    assert answers == (
        "<strong>Answers</strong>: "
        "Lower income, Cutting household spending, The monthly fee is a burden"
    )
    assert "Gone reason" not in answers
    only = _preview(
        client_as_catalog_admin,
        "offers",
        offer_data(reasons=[reason("fee_burden").pk, reason("income_drop").pk]),
    )
    answers = _between(only.content.decode(), "<strong>Answers</strong>", "</p>")
    assert answers == "<strong>Answers</strong>: Lower income, The monthly fee is a burden"


def test_the_preview_lists_sub_reasons_in_korean_for_a_korean_admin(
    client_as_catalog_admin, catalog_admin, reason
):
    _speaking(catalog_admin, "ko")
    response = _preview(
        client_as_catalog_admin, "offers", offer_data(reasons=[reason("fee_burden").pk])
    )
    page = response.content.decode()
    assert reason("fee_burden").label_ko in page.split('id="preview"')[1].split("</section>")[0]


@pytest.mark.parametrize("reader", ["en", "ko"])
def test_the_playbook_preview_shows_the_tips_as_the_agent_sees_them(
    client_as_catalog_admin, catalog_admin, reader
):
    _speaking(catalog_admin, reader)
    page = _preview(client_as_catalog_admin, "customer-types", PLAYBOOK).content.decode()
    ko = _between(page, 'class="agent-preview-ko"', "</div>")
    en = _between(page, 'class="agent-preview-en"', "</div>")
    # The console's playbook line: <aside class="playbook"><strong>name</strong>: tips</aside>
    assert (
        '<aside class="playbook"><strong>바쁜 고객</strong>: 요점만 짧게 말씀드리세요.</aside>'
        in ko
    )
    assert '<aside class="playbook"><strong>In a hurry</strong>: Keep to the point.</aside>' in en
    assert not CustomerType.objects.filter(code="hurried").exists()


@pytest.mark.parametrize("reader", ["en", "ko"])
def test_the_step_script_preview_shows_the_script_as_the_agent_sees_it(
    client_as_catalog_admin, catalog_admin, reader
):
    _speaking(catalog_admin, reader)
    page = _preview(client_as_catalog_admin, "scripts", SCRIPT).content.decode()
    ko = _between(page, 'class="agent-preview-ko"', "</div>")
    en = _between(page, 'class="agent-preview-en"', "</div>")
    assert '<p lang="ko">요금 부담을 먼저 여쭤 보세요.</p>' in ko
    assert '<p lang="en">First ask what about the fee weighs on them.</p>' in en
    assert 'class="script"' in ko and 'class="script"' in en
    assert not StepScript.objects.exists()


def test_the_agent_then_sees_what_the_preview_showed(client, login, catalog_admin, agent, walk):
    catalog_save(form=KINDS["scripts"].form(data=SCRIPT), user=catalog_admin)
    request = walk("financial_burden")
    for language, text in (("ko", SCRIPT["text_ko"]), ("en", SCRIPT["text_en"])):
        login(_speaking(agent, language))
        page = client.get(reverse("console", args=[request.pk])).content.decode()
        assert f"<p>{text}</p>" in page


# ---- viewing a past version -----------------------------------------------------------------


def test_a_past_version_is_shown_in_full(client_as_catalog_admin, catalog_admin):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    catalog_save(
        form=OfferCatalogForm(
            data=instance_data(offer, value=25000, name_en="Check-up plus"), instance=offer
        ),
        user=catalog_admin,
    )
    url = reverse("catalog_history", args=["offers", offer.pk])
    old = client_as_catalog_admin.get(url, {"v": "1"})
    assert old.status_code == 200
    shown = _between(old.content.decode(), 'id="version-title"', "</section>")
    assert "Version 1 in full" in shown
    assert "<td>Free check-up</td>" in shown and "<td>20,000</td>" in shown
    assert "Check-up plus" not in shown and "25,000" not in shown
    new = _between(
        client_as_catalog_admin.get(url, {"v": "2"}).content.decode(),
        'id="version-title"',
        "</section>",
    )
    assert "<td>Check-up plus</td>" in new and "<td>25,000</td>" in new


@pytest.mark.parametrize("v", ["3", "0", "x", "-1"])
def test_an_unknown_version_is_not_found(client_as_catalog_admin, catalog_admin, v):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    url = reverse("catalog_history", args=["offers", offer.pk])
    assert client_as_catalog_admin.get(url, {"v": v}).status_code == 404


# ---- validation: a message, nothing saved ---------------------------------------------------


def _catalog_state():
    return (
        list(Offer.objects.order_by("pk").values()),
        list(CustomerType.objects.order_by("pk").values()),
        list(StepScript.objects.order_by("pk").values()),
        list(Battlecard.objects.order_by("pk").values()),
        CatalogVersion.objects.count(),
    )


CARD = {
    "competitor": "Rival Rentals",
    "their_offer_ko": "첫 달 무료",
    "their_offer_en": "First month free",
    "our_answer_ko": "관리 이력이 남습니다.",
    "our_answer_en": "The care history stays.",
    "sort_order": 0,
}
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
    error = _between(response.content.decode(), f'id="error-{field}"', "</div>")
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
        login(_speaking(agent, language))
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


# ---- accepting after an edit: the terms presented -------------------------------------------


def test_accepting_after_the_offer_was_edited_applies_the_presented_terms(
    catalog_admin, agent, walk, fee_offer, contract
):
    request = walk("financial_burden")
    offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
    form = OfferCatalogForm(data=instance_data(fee_offer, value=8000), instance=fee_offer)
    catalog_save(form=form, user=catalog_admin)
    assert Offer.objects.get(pk=fee_offer.pk).value == 8000
    offer_accept(request_id=request.pk, user=agent)
    contract = Contract.objects.get(pk=contract.pk)
    assert contract.monthly_fee == 27000  # 30,000 - the 3,000 presented, not - 8,000
    presentation = OfferPresentation.objects.get(request_id=request.pk)
    assert (presentation.value, presentation.terms) == (3000, {"new_monthly_fee": 27000})


# ---- query bounds of the other kinds' pages -------------------------------------------------

PAGE_LIMIT = 14


def _grow(n: int, admin) -> None:
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
        _grow(size, catalog_admin)
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
            change = _schedule(
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
