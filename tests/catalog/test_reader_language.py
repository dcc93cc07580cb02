"""The catalog workspace in the reader's language: money in the ranking preview, version
and worker notes, why a scheduled change failed, preview labels, and history actions."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from cancellations.choices import RequestState
from catalog.choices import OfferKind
from catalog.forms.offers import OfferCatalogForm
from catalog.models import CatalogVersion, ScheduledChange
from catalog.services.items import catalog_save, offer_publish
from catalog.services.scheduled import scheduled_changes_apply
from catalog.services.versions import catalog_restore
from tests.catalog.data import instance_data, offer_data
from tests.catalog.helpers import between, schedule_change_from_stored, speaking
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


# ---- won in Korean, notes and problems in the reader's language -------------------------


def test_the_ranking_preview_shows_won_to_a_korean_admin(
    client_as_catalog_admin, catalog_admin, walk, fee_offer, visit_offer
):
    walk("financial_burden")
    speaking(catalog_admin, "ko")
    data = offer_data(code="GIFT-1000", kind=OfferKind.GIFT, value=1000, fixed_cost=1000)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["offers"]), {**data, "preview": "1"}
    )
    ranked = between(response.content.decode(), '<ol class="ranked">', "</ol>")
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
    ranked = between(response.content.decode(), '<ol class="ranked">', "</ol>")
    assert "KRW 1,199,000" in ranked
    assert "원" not in ranked


def _history_page(client, login, user, language, slug, pk) -> str:
    login(speaking(user, language))
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
    schedule_change_from_stored(product, catalog_admin, day, penalty_rate_percent=50)
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
    schedule_change_from_stored(product, catalog_admin, later, fee_floor=product.monthly_fee - 500)
    schedule_change_from_stored(
        product, catalog_admin, "", monthly_fee=product.monthly_fee - 1000, fee_floor=0
    )
    with translation.override("ko"):
        assert scheduled_changes_apply(today=later) == 0
    change = ScheduledChange.objects.get(effective_from=later)
    assert set(change.problem_texts) == {"ko", "en"}
    with translation.override("ko"):
        korean_refusal = translation.gettext("This version no longer passes today's checks.")
    assert korean_refusal != "This version no longer passes today's checks."
    login(speaking(supervisor, "en"))
    english = client.get(reverse("catalog_list", args=["products"])).content.decode()
    assert "The lowest adjusted fee is above the fee itself." in english
    assert korean_refusal not in english
    login(speaking(supervisor, "ko"))
    korean = client.get(reverse("catalog_list", args=["products"])).content.decode()
    assert korean_refusal in korean
    assert "no longer passes" not in korean


@pytest.mark.parametrize(("language", "label"), [("en", "What to say"), ("ko", "안내 멘트")])
def test_the_script_preview_labels_the_script_in_the_readers_language(
    client_as_catalog_admin, catalog_admin, language, label
):
    speaking(catalog_admin, language)
    response = client_as_catalog_admin.post(
        reverse("catalog_new", args=["scripts"]),
        {
            "key": RequestState.FINANCIAL_BURDEN,
            "text_ko": "부담",
            "text_en": "Burden",
            "preview": 1,
        },
    )
    preview = between(response.content.decode(), 'class="grid agent-preview"', "</section>")
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


# ---- labels, not codes ----------------------------------------------------------------------


def test_the_history_names_each_action_in_the_readers_language(
    client_as_catalog_admin, catalog_admin
):
    offer = catalog_save(form=OfferCatalogForm(data=offer_data()), user=catalog_admin)
    offer_publish(offer=offer, user=catalog_admin)
    assert [v.action for v in CatalogVersion.objects.order_by("version")] == [
        "created",
        "published",
    ]
    with translation.override("ko"):
        labels = [str(v.get_action_display()) for v in CatalogVersion.objects.all()]
    assert "published" not in labels and "created" not in labels and all(labels)
    page = client_as_catalog_admin.get(reverse("catalog_history", args=["offers", offer.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    # The admin reads English: the English labels, each where the action is named.
    assert re.search(r"Version 2</strong>\s*· published\s", body)
    assert re.search(r"Version 1</strong>\s*· created\s", body)
    with translation.override("ko"):
        korean = str(CatalogVersion.Action.PUBLISHED.label)
    assert korean != "published" and korean not in body
