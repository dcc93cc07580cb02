"""The live catalog (catalog.live): loaded once per catalog version, and every way the
catalog changes moves the version, so a call never reads an offer, reason, script, playbook
entry or battlecard that is no longer what the database holds."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cancellations.services.offers import offer_present
from catalog.choices import ReasonCategory
from catalog.live import catalog_live
from catalog.models import Battlecard, CustomerType, Offer, Reason, StepScript
from catalog.scripts import script_for
from catalog.services.items import catalog_retire, offer_publish
from core.errors import ServiceError
from core.updates import CATALOG_KEY
from tests.factories import OfferFactory, ProductFactory
from tests.faults import REDIS_AWAY

pytestmark = pytest.mark.django_db


def _queries(fn) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return result, len(queries)


def test_a_second_read_of_the_same_version_runs_no_query(fee_offer):
    first, loaded = _queries(catalog_live)
    again, queries = _queries(catalog_live)
    assert loaded == 6
    assert again is first and queries == 0
    assert fee_offer.pk in {offer.pk for offer in again.offers}
    assert [r.pk for r in again.reasons] == list(
        Reason.objects.filter(is_active=True)
        .order_by("category", "sort_order", "pk")
        .values_list("pk", flat=True)
    )


def test_only_published_active_offers_for_their_category(fee_offer, visit_offer):
    OfferFactory(code="DRAFT", is_draft=True, reason_categories=[ReasonCategory.FINANCIAL])
    OfferFactory(code="RETIRED", is_active=False, reason_categories=[ReasonCategory.FINANCIAL])
    live = catalog_live()
    assert [o.code for o in live.offers_for(ReasonCategory.FINANCIAL)] == ["FEE-3000", "VISIT"]
    assert [o.code for o in live.offers_for(ReasonCategory.UNAVOIDABLE)] == []
    assert live.offers_for(None) == []


def _changes(fee_offer, visit_offer, reason):
    """Each way the catalog changes, and what the live catalog must show after it."""
    financial = reason("fee_burden")

    def rename_offer():
        fee_offer.name_en = "Renamed"
        fee_offer.save()
        return lambda live: any(o.name_en == "Renamed" for o in live.offers)

    def add_offer():
        OfferFactory(code="NEW", reason_categories=[ReasonCategory.FINANCIAL])
        return lambda live: "NEW" in {o.code for o in live.offers}

    def delete_offer():
        Offer.objects.get(pk=visit_offer.pk).delete()
        return lambda live: "VISIT" not in {o.code for o in live.offers}

    def narrow_offer_to_a_reason():
        fee_offer.reasons.add(financial)
        return lambda live: (
            [[r.pk for r in o.reasons.all()] for o in live.offers if o.pk == fee_offer.pk]
            == [[financial.pk]]
        )

    def retire_reason():
        Reason.objects.get(pk=financial.pk).save()  # a save alone moves it
        Reason.objects.filter(pk=financial.pk).first().delete()
        return lambda live: financial.pk not in {r.pk for r in live.reasons}

    def edit_script():
        StepScript.objects.create(key="financial_burden", text_ko="새 대본", text_en="New words")
        return lambda live: live.scripts["financial_burden"].text_en == "New words"

    def edit_playbook():
        kind = CustomerType.objects.filter(is_active=True).first()
        kind.is_active = False
        kind.save()
        return lambda live: kind.pk not in {t.pk for t in live.customer_types}

    def add_battlecard():
        Battlecard.objects.create(
            competitor="Rival",
            their_offer_ko="무료",
            their_offer_en="Free",
            our_answer_ko="더 좋음",
            our_answer_en="Better",
        )
        return lambda live: [b.competitor for b in live.battlecards] == ["Rival"]

    def change_target_product_fee():
        fee_offer.target_product = fee_offer.target_product or ProductFactory()
        fee_offer.save()
        product = fee_offer.target_product
        product.monthly_fee += 1000
        product.save()
        return lambda live: (
            [o.target_product.monthly_fee for o in live.offers if o.pk == fee_offer.pk]
            == [product.monthly_fee]
        )

    return [
        rename_offer,
        add_offer,
        delete_offer,
        narrow_offer_to_a_reason,
        retire_reason,
        edit_script,
        edit_playbook,
        add_battlecard,
        change_target_product_fee,
    ]


CHANGES = [
    "rename_offer",
    "add_offer",
    "delete_offer",
    "narrow_offer_to_a_reason",
    "retire_reason",
    "edit_script",
    "edit_playbook",
    "add_battlecard",
    "change_target_product_fee",
]


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_to_the_catalog_moves_its_version(
    change, fee_offer, visit_offer, reason, django_capture_on_commit_callbacks
):
    changes = {fn.__name__: fn for fn in _changes(fee_offer, visit_offer, reason)}
    assert set(changes) == set(CHANGES)
    before = catalog_live()
    version = cache.get(CATALOG_KEY)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shows = changes[change]()
        # At once: a reader inside this transaction already sees the change.
        assert cache.get(CATALOG_KEY) != version
        assert shows(catalog_live())
        inside = cache.get(CATALOG_KEY)
    # And again at the commit: what another process loaded before it is dropped.
    assert callbacks and cache.get(CATALOG_KEY) != inside
    after = catalog_live()
    assert after is not before and shows(after)


def test_publishing_and_retiring_through_the_catalog_reach_the_live_catalog(
    fee_offer, catalog_admin
):
    draft = OfferFactory(code="DRAFT", is_draft=True, reason_categories=[ReasonCategory.FINANCIAL])
    assert "DRAFT" not in {o.code for o in catalog_live().offers}
    version = cache.get(CATALOG_KEY)
    offer_publish(offer=draft, user=catalog_admin)
    assert cache.get(CATALOG_KEY) != version
    assert "DRAFT" in {o.code for o in catalog_live().offers_for(ReasonCategory.FINANCIAL)}
    catalog_retire(instance=fee_offer, user=catalog_admin)
    assert "FEE-3000" not in {o.code for o in catalog_live().offers}


def test_with_redis_away_every_read_comes_from_the_database(fee_offer, settings):
    settings.CACHES = REDIS_AWAY
    first, loaded = _queries(catalog_live)
    again, queries = _queries(catalog_live)
    assert loaded == queries == 6
    assert again is not first
    assert script_for("financial_burden")  # the default wording, read without Redis


def test_a_console_drawn_from_the_kept_catalog_cannot_present_an_offer_since_retired(
    client_as_agent, agent, walk, fee_offer
):
    """The kept catalog draws the screen; the services still decide from the database."""
    request = walk("financial_burden")
    page = client_as_agent.get(reverse("console", args=[request.pk])).content.decode()
    assert "FEE-3000" in page or fee_offer.name_en in page
    Offer.objects.filter(pk=fee_offer.pk).update(is_active=False)  # no signal: no new version
    assert fee_offer.pk in {o.pk for o in catalog_live().offers}  # the kept catalog is stale
    with pytest.raises(ServiceError):
        offer_present(request_id=request.pk, user=agent, offer_id=fee_offer.pk)
