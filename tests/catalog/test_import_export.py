"""The offer catalog as CSV: the export lists every offer, re-importing it changes nothing,
and an import checks every row through the offer form, lists each bad row's errors by
line and writes nothing unless every row is good; odd line endings and unreadable files
are a message, not a crash."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from catalog.choices import OfferKind, ReasonCategory
from catalog.models import CatalogVersion, Offer, Reason
from catalog.services.imports import OFFER_CSV_FIELDS, offers_export_rows, offers_import
from core.csv import csv_rows
from core.errors import ServiceError
from customers.choices import ValueTier
from tests.catalog.data import offer_data
from tests.factories import OfferFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db, fee_offer, visit_offer):
    """Offers of every shape: live, draft, retired, with sub-reasons and tiers, a product
    change with its target, an A/B variant, a time window."""
    cheaper = ProductFactory(code="P-LITE", monthly_fee=19000)
    OfferFactory(
        code="DOWNGRADE",
        kind=OfferKind.PRODUCT_CHANGE,
        value=0,
        fixed_cost=0,
        target_product=cheaper,
        reasons=[Reason.objects.get(code="fee_burden"), Reason.objects.get(code="income_drop")],
        value_tiers=[ValueTier.GOLD, ValueTier.VIP],
    )
    OfferFactory(code="DRAFT-GIFT", kind=OfferKind.GIFT, value=5000, is_draft=True)
    OfferFactory(code="RETIRED", is_active=False)
    now = timezone.now()
    OfferFactory(
        code="VISIT-B",
        variant_of=visit_offer,
        traffic_share=30,
        reason_categories=visit_offer.reason_categories,
        active_from=now,
        active_until=now + timedelta(days=30),
    )
    return Offer.objects.order_by("code")


def _export(client) -> str:
    response = client.get(reverse("catalog_offers_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    return b"".join(response.streaming_content).decode()


def _csv(*rows: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OFFER_CSV_FIELDS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _row(**fields) -> dict:
    """A valid new offer as a CSV row."""
    return {
        "code": "CSV-NEW",
        "name_ko": "무상 점검",
        "name_en": "Free check-up",
        "script_ko": "기사님이 무상으로 점검해 드립니다.",
        "script_en": "A technician checks the product for free.",
        "kind": OfferKind.SERVICE_IMPROVEMENT,
        "value": "20000",
        "reason_categories": ReasonCategory.FINANCIAL,
        "min_tenure_months": "0",
        "fixed_cost": "10000",
        **fields,
    }


def _bad(**fields) -> dict:
    return _row(code="CSV-BAD", kind=OfferKind.DISCOUNT_PERCENT, value="0", **fields)


def _counts():
    return Offer.objects.count(), CatalogVersion.objects.count()


# ---- export ---------------------------------------------------------------------------------


def test_export_has_the_header_and_one_row_per_offer(client_as_catalog_admin, catalog):
    content = _export(client_as_catalog_admin)
    assert content.startswith("\ufeff")  # Excel opens it as UTF-8
    header, *rows = csv.reader(io.StringIO(content.lstrip("\ufeff")))
    assert header == OFFER_CSV_FIELDS
    assert [row[0] for row in rows] == [o.code for o in catalog]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_code["DOWNGRADE"]["reasons"] == "fee_burden;income_drop"
    assert by_code["DOWNGRADE"]["target_product"] == "P-LITE"
    assert by_code["DOWNGRADE"]["value_tiers"] == "gold;vip"
    assert by_code["VISIT-B"]["variant_of"] == "VISIT"
    assert by_code["VISIT-B"]["traffic_share"] == "30"
    assert by_code["FEE-3000"]["value"] == "3000"
    assert by_code["VISIT"]["reason_categories"] == (
        "dissatisfaction;financial;contract_change;competitor"
    )
    assert {code: row["status"] for code, row in by_code.items()} == {
        "DOWNGRADE": "live",
        "DRAFT-GIFT": "draft",
        "FEE-3000": "live",
        "RETIRED": "retired",
        "VISIT": "live",
        "VISIT-B": "live",
    }


def test_export_is_open_to_supervisors(client_as_supervisor, catalog):
    content = _export(client_as_supervisor)
    assert len(list(csv.reader(io.StringIO(content)))) == catalog.count() + 1


def test_reimporting_the_export_changes_nothing(client_as_catalog_admin, catalog, catalog_admin):
    content = _export(client_as_catalog_admin)
    before = _counts()
    response = client_as_catalog_admin.post(
        reverse("catalog_offers_import"),
        {"file": SimpleUploadedFile("offers.csv", content.encode(), "text/csv")},
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert response.context["failed"] == []
    assert [r.code for r in rows] == [o.code for o in catalog]
    assert {r.action for r in rows} <= {"unchanged", "edited"}
    assert [r for r in rows if r.action != "unchanged"] == []
    applied = offers_import(content=response.context["content"], user=catalog_admin, apply=True)
    assert all(not r.errors and r.action == "unchanged" for r in applied)
    assert _counts() == before


def test_reimporting_an_offer_whose_name_starts_like_a_formula_changes_nothing(
    client_as_catalog_admin, catalog_admin
):
    offer = OfferFactory(code="PLUS-ONE", name_en="+1 month free", script_en="- say it warmly")
    content = _export(client_as_catalog_admin).lstrip("\ufeff")
    (row,) = offers_import(content=content, user=catalog_admin, apply=True)
    offer.refresh_from_db()
    assert (offer.name_en, offer.script_en) == ("+1 month free", "- say it warmly")
    assert row.action == "unchanged"


# ---- dry run and all-or-nothing -------------------------------------------------------------


@pytest.mark.parametrize("apply", [False, True], ids=["dry-run", "apply"])
def test_a_bad_row_is_listed_by_line_and_field_and_nothing_is_written(
    catalog, catalog_admin, apply
):
    before = _counts()
    content = _csv(
        _row(),
        _row(code="FEE-3000", kind=OfferKind.FEE_ADJUSTMENT, value="5000", fixed_cost="0"),
        _bad(),
        _row(code="CSV-ODD", reasons="fee_burden;no-such-reason", status="maybe"),
    )
    rows = offers_import(content=content, user=catalog_admin, apply=apply)
    assert [(r.line, r.code, r.action) for r in rows] == [
        (2, "CSV-NEW", "created"),
        (3, "FEE-3000", "edited"),
        (4, "CSV-BAD", "created"),
        (5, "CSV-ODD", "created"),
    ]
    assert rows[0].errors == [] and rows[1].errors == []
    assert "Value: A discount is a percentage from 1 to 100." in rows[2].errors
    assert "unknown reason code(s): no-such-reason" in rows[3].errors
    assert "status must be draft, live or retired" in rows[3].errors
    assert _counts() == before
    assert not Offer.objects.filter(code="CSV-NEW").exists()
    assert Offer.objects.get(code="FEE-3000").value == 3000


def test_a_dry_run_of_good_rows_writes_nothing_either(catalog, catalog_admin):
    before = _counts()
    rows = offers_import(content=_csv(_row()), user=catalog_admin, apply=False)
    assert [(r.action, r.errors) for r in rows] == [("created", [])]
    assert _counts() == before


def test_applying_good_rows_creates_and_edits_as_imported_versions(catalog, catalog_admin):
    content = _csv(
        _row(status="live"),
        _row(
            code="FEE-3000",
            name_ko="삼천원 할인",
            name_en="KRW 5,000 off",
            kind=OfferKind.FEE_ADJUSTMENT,
            value="5000",
            fixed_cost="0",
            status="live",
        ),
        _row(code="DRAFT-GIFT", kind=OfferKind.GIFT, value="5000", status="retired"),
    )
    rows = offers_import(content=content, user=catalog_admin, apply=True)
    assert [(r.code, r.action, r.errors) for r in rows] == [
        ("CSV-NEW", "created", []),
        ("FEE-3000", "edited", []),
        ("DRAFT-GIFT", "edited", []),
    ]
    created = Offer.objects.get(code="CSV-NEW")
    assert (created.is_draft, created.is_active) == (False, True)
    assert _history(created) == [("imported", ""), ("imported", "Status from the file: live")]
    edited = Offer.objects.get(code="FEE-3000")
    assert (edited.value, edited.name_en) == (5000, "KRW 5,000 off")
    assert _history(edited) == [("initial", "State before the first edit"), ("imported", "")]
    retired = Offer.objects.get(code="DRAFT-GIFT")
    assert (retired.is_draft, retired.is_active) == (False, False)
    assert _history(retired)[1:] == [
        ("imported", ""),
        ("imported", "Status from the file: retired"),
    ]
    assert CatalogVersion.objects.filter(action="imported").exclude(user=catalog_admin).count() == 0


def test_a_row_without_a_status_keeps_an_existing_offers_status(catalog, catalog_admin):
    content = _csv(
        _row(code="FEE-3000", kind=OfferKind.FEE_ADJUSTMENT, value="5000", fixed_cost="0")
    )
    (row,) = offers_import(content=content, user=catalog_admin, apply=True)
    assert row.errors == []
    edited = Offer.objects.get(code="FEE-3000")
    assert edited.value == 5000
    assert (edited.is_draft, edited.is_active) == (False, True)


def _history(offer) -> list[tuple[str, str]]:
    """Each version's action and note, as an English reader sees them."""
    versions = CatalogVersion.objects.filter(subject_id=offer.pk, subject_type__model="offer")
    with translation.override("en"):
        return [(v.action, v.note_text) for v in versions.order_by("version")]


def test_a_variant_may_refer_to_a_new_original_earlier_in_the_file(catalog, catalog_admin):
    content = _csv(
        _row(code="CSV-ORIG"),
        _row(code="CSV-ORIG-B", value="25000", variant_of="CSV-ORIG", traffic_share="30"),
    )
    before = _counts()
    rows = offers_import(content=content, user=catalog_admin, apply=False)
    assert [(r.code, r.errors) for r in rows] == [("CSV-ORIG", []), ("CSV-ORIG-B", [])]
    assert _counts() == before
    offers_import(content=content, user=catalog_admin, apply=True)
    assert Offer.objects.get(code="CSV-ORIG-B").variant_of == Offer.objects.get(code="CSV-ORIG")


def test_a_variant_before_its_new_original_is_refused(catalog, catalog_admin):
    content = _csv(
        _row(code="CSV-ORIG-B", variant_of="CSV-ORIG", traffic_share="30"),
        _row(code="CSV-ORIG"),
    )
    rows = offers_import(content=content, user=catalog_admin, apply=False)
    assert "unknown offer code: CSV-ORIG" in rows[0].errors


def test_a_code_twice_in_the_file_is_refused(catalog, catalog_admin):
    before = _counts()
    rows = offers_import(content=_csv(_row(), _row()), user=catalog_admin, apply=True)
    assert rows[0].errors == []
    assert "the code appears twice in the file" in rows[1].errors
    assert _counts() == before


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("name_en,kind\nFree,gift\n", id="no-code-column"),
        pytest.param("code,name_en\nX,Free\n", id="no-kind-column"),
        pytest.param(_csv(), id="no-rows"),
        pytest.param("", id="empty"),
    ],
)
def test_a_file_without_the_columns_or_rows_is_refused(catalog_admin, content):
    with pytest.raises(ServiceError):
        offers_import(content=content, user=catalog_admin, apply=False)
    assert not Offer.objects.exists()


# ---- the import page ------------------------------------------------------------------------


def test_import_page_checks_an_upload_then_imports_it(client_as_catalog_admin, catalog):
    before = _counts()
    upload = SimpleUploadedFile("offers.csv", _csv(_row()).encode("utf-8-sig"), "text/csv")
    response = client_as_catalog_admin.post(reverse("catalog_offers_import"), {"file": upload})
    assert response.status_code == 200
    assert [(r.code, r.action, r.errors) for r in response.context["rows"]] == [
        ("CSV-NEW", "created", [])
    ]
    page = response.content.decode()
    assert "Dry run: every row passes." in page
    assert 'id="apply-import"' in page
    assert _counts() == before

    response = client_as_catalog_admin.post(
        reverse("catalog_offers_import"),
        {"content": response.context["content"], "apply": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog_list", args=["offers"])
    assert Offer.objects.get(code="CSV-NEW").is_draft
    assert Offer.objects.count() == before[0] + 1


def test_import_page_lists_bad_rows_and_offers_no_import(client_as_catalog_admin, catalog):
    before = _counts()
    upload = SimpleUploadedFile("offers.csv", _csv(_row(), _bad()).encode(), "text/csv")
    response = client_as_catalog_admin.post(reverse("catalog_offers_import"), {"file": upload})
    page = response.content.decode()
    assert "1 row has errors: nothing was written." in page
    assert "Value: A discount is a percentage from 1 to 100." in page
    assert 'id="apply-import"' not in page
    assert _counts() == before


def test_import_page_with_bad_rows_and_apply_writes_nothing(client_as_catalog_admin, catalog):
    before = _counts()
    response = client_as_catalog_admin.post(
        reverse("catalog_offers_import"), {"content": _csv(_row(), _bad()), "apply": "1"}
    )
    assert response.status_code == 200
    assert len(response.context["failed"]) == 1
    assert _counts() == before


def test_import_page_refuses_a_file_that_is_not_utf8(client_as_catalog_admin):
    upload = SimpleUploadedFile("offers.csv", _csv(_row(name_ko="무상")).encode("euc-kr"))
    response = client_as_catalog_admin.post(reverse("catalog_offers_import"), {"file": upload})
    assert response.status_code == 200
    assert "The file is not UTF-8 text." in response.content.decode()
    assert not Offer.objects.exists()


# ---- CSV files ------------------------------------------------------------------------------


def _csv_lines(rows: list[list[str]], newline: str) -> str:
    return newline.join(",".join(row) for row in rows) + newline


def test_an_import_reads_old_mac_line_endings(catalog_admin):
    header = list(OFFER_CSV_FIELDS)
    row = [offer_data().get(name, "") if name != "status" else "draft" for name in header]
    row = ["" if v in ([], None) else (";".join(v) if isinstance(v, list) else str(v)) for v in row]
    result = offers_import(content=_csv_lines([header, row], "\r"), user=catalog_admin, apply=True)
    assert [r.errors for r in result] == [[]]
    assert Offer.objects.filter(code="NEW-VISIT").exists()


def test_an_unreadable_csv_is_a_message_not_a_crash(client_as_catalog_admin):
    huge = "code,kind\n" + "X" * 200_000 + ",gift\n"
    response = client_as_catalog_admin.post(
        reverse("catalog_offers_import"), {"content": huge}, follow=True
    )
    assert response.status_code == 200
    assert "not a CSV file this import can read" in response.content.decode()


def test_a_code_the_export_guarded_imports_back_as_the_same_offer(catalog_admin):
    OfferFactory(code="-filter", name_en="Filter")
    content = "".join(csv_rows(*_export_rows()))
    result = offers_import(content=content.lstrip("\ufeff"), user=catalog_admin, apply=False)
    assert {r.code: (r.action, r.errors) for r in result}["-filter"] == ("unchanged", [])


def _export_rows():
    rows = offers_export_rows()
    return next(rows), rows
