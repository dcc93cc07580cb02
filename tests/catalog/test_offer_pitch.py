"""An offer's pitch per branch: edited per branch and language in the catalog, versioned,
exported and imported; the console says the one for the call's branch (else the script),
and what was said is kept on the presentation."""

import pytest
from django.urls import reverse

from cancellations.services.offers import offer_present
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import CatalogVersion, Offer
from catalog.services.imports import offers_export_rows, offers_import
from core.csv import csv_rows
from tests.catalog.data import offer_data
from tests.factories import ContractFactory, OfferFactory

pytestmark = pytest.mark.django_db
PITCH = "Until things are easier, pause for up to 3 months with no fee."


def test_an_admin_writes_a_pitch_per_branch_and_it_is_a_new_version(client_as_catalog_admin):
    data = offer_data(
        reason_categories=[ReasonCategory.FINANCIAL, ReasonCategory.CONTRACT_CHANGE],
        pitch_en__financial=PITCH,
        pitch_ko__financial="형편이 나아지실 때까지 쉬어 가세요.",
        pitch_en__competitor="Not answered by this offer: dropped.",
    )
    client_as_catalog_admin.post(reverse("catalog_new", args=["offers"]), data)
    offer = Offer.objects.get(code="NEW-VISIT")
    assert offer.pitch_en == {"financial": PITCH}  # only branches it answers are kept
    assert offer.pitch_ko == {"financial": "형편이 나아지실 때까지 쉬어 가세요."}
    version = CatalogVersion.objects.get(subject_id=offer.pk, action="created")
    assert version.snapshot["pitch_en"] == {"financial": PITCH}
    page = client_as_catalog_admin.get(reverse("catalog_edit", args=["offers", offer.pk]))
    assert PITCH in page.content.decode()


def test_the_console_says_the_pitch_of_the_calls_branch_and_keeps_it_on_the_presentation(
    client_as_agent, agent, walk
):
    offer = OfferFactory(
        code="PAUSE",
        kind=OfferKind.SERVICE_IMPROVEMENT,
        reason_categories=[ReasonCategory.FINANCIAL, ReasonCategory.DISSATISFACTION],
        script_en="While you are away you can pause.",
        pitch_en={"financial": PITCH},
    )
    financial = walk("financial_burden")
    body = client_as_agent.get(reverse("console", args=[financial.pk])).content.decode()
    assert PITCH in body and "While you are away" not in body
    presented = offer_present(request_id=financial.pk, user=agent, offer_id=offer.pk)
    assert presented.script_en == PITCH
    dissatisfied = walk("dissatisfied", contract_=ContractFactory())
    body = client_as_agent.get(reverse("console", args=[dissatisfied.pk])).content.decode()
    assert "While you are away you can pause." in body  # no pitch for it: the script


def test_pitches_survive_an_export_and_import_and_an_old_file_keeps_them(catalog_admin):
    offer = OfferFactory(
        code="PAUSE", reason_categories=[ReasonCategory.FINANCIAL], pitch_en={"financial": PITCH}
    )
    rows = list(offers_export_rows())
    content = "".join(csv_rows(rows[0], iter(rows[1:])))
    again = offers_import(content=content, user=catalog_admin, apply=True)
    assert [r.action for r in again] == ["unchanged"]
    pitches = [rows[0].index("pitch_ko"), rows[0].index("pitch_en")]
    old = [[c for i, c in enumerate(row) if i not in pitches] for row in rows]
    before = offers_import(
        content="".join(csv_rows(old[0], iter(old[1:]))), user=catalog_admin, apply=True
    )
    assert [r.errors for r in before] == [[]]
    offer.refresh_from_db()
    assert offer.pitch_en == {"financial": PITCH}
