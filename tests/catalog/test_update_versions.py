"""Every catalog change moves the catalog's version once it commits (each one writes a
catalog version), so the consoles showing offers, scripts and the playbook draw them again;
a change refused moves nothing."""

import pytest

from cancellations.services.offers import offer_present
from catalog.services.items import catalog_reactivate, catalog_retire, offer_delete
from core.errors import ServiceError
from core.updates import CATALOG_KEY, updates_read
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def _catalog() -> str:
    return updates_read([CATALOG_KEY])[CATALOG_KEY]


@pytest.mark.parametrize("change", [catalog_retire, catalog_reactivate])
def test_retiring_or_reactivating_an_offer_moves_the_catalogs_version(
    change, visit_offer, catalog_admin, django_capture_on_commit_callbacks
):
    if change is catalog_reactivate:
        catalog_retire(instance=visit_offer, user=catalog_admin)
    before = _catalog()
    with django_capture_on_commit_callbacks(execute=True):
        change(instance=visit_offer, user=catalog_admin)
    assert _catalog() != before


def test_deleting_an_offer_moves_it_and_a_refused_delete_does_not(
    visit_offer, walk, agent, catalog_admin, django_capture_on_commit_callbacks
):
    draft = OfferFactory(code="DRAFT")
    before = _catalog()
    with django_capture_on_commit_callbacks(execute=True):
        offer_delete(offer=draft, user=catalog_admin)
    assert _catalog() != before

    request = walk("dissatisfied")
    offer_present(request_id=request.pk, user=agent, offer_id=visit_offer.pk)
    before = _catalog()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ServiceError):
        offer_delete(offer=visit_offer, user=catalog_admin)  # presented: kept
    assert _catalog() == before
