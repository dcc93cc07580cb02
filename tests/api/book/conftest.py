"""The book sync seen from above the apps: a book in the database (products, customers and
contracts, loaded by the book itself), cancellation requests on its contracts walked by
the real services, CSV files as a browser or a shell sends them, and a folder of its own
for the files the import page keeps."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cancellations.services.closing import cancellation_schedule_callback
from cancellations.services.offers import offer_present
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.choices import OfferKind, ReasonCategory
from catalog.models import Reason
from core.dates import add_months
from customers.models import Contract
from customers.services.book import book_fields, book_upsert
from tests.factories import OfferFactory

CONTRACTS = ("K-1", "K-2", "K-3")


@pytest.fixture(autouse=True)
def _kept_files(settings, tmp_path):
    settings.BOOK_IMPORT_DIR = str(tmp_path / "kept")


def _contract(external_id: str, **changes) -> dict:
    start = add_months(timezone.localdate(), -20)
    return {
        "external_id": external_id,
        "number": f"BN-{external_id}",
        "customer_external_id": "C-1",
        "product_external_id": "P-1",
        "start_date": start.isoformat(),
        "term_months": 60,
        "monthly_fee": 30000,
        **changes,
    }


@pytest.fixture
def contract_row():
    """contract_row("K-1", **changes) -> a contract row of the book (20 months in)."""
    return _contract


@pytest.fixture
def book(db):
    """Product P-1, customer C-1 and its active contracts K-1, K-2, K-3: {external id: pk}."""
    product = {
        "external_id": "P-1",
        "code": "BK-1",
        "name_ko": "얼음정수기",
        "name_en": "Ice purifier",
        "category": "water_purifier",
        "monthly_fee": 30000,
        "minimum_term_months": 36,
        "default_term_months": 60,
        "penalty_rate_percent": 30,
    }
    customer = {
        "external_id": "C-1",
        "customer_no": "B0000001",
        "name": "김민서",
        "phone": "010-1234-5678",
        "region": "seoul",
    }
    for kind, rows in (
        ("products", [product]),
        ("customers", [customer]),
        ("contracts", [_contract(e) for e in CONTRACTS]),
    ):
        assert book_upsert(kind=kind, rows=rows).written
    return dict(Contract.objects.values_list("external_id", "pk"))


@pytest.fixture
def requests_open(book, agent):
    """On K-1 an offer waiting for a supervisor, on K-2 a promised callback, on K-3 a
    request just opened: {external id: request}."""
    costly = OfferFactory(
        code="MATCH",
        kind=OfferKind.COMPETITOR_MATCH,
        value=100000,
        fixed_cost=80000,
        agent_limit=50000,
        reason_categories=[ReasonCategory.COMPETITOR],
    )
    competitor = Reason.objects.get(code="competitor_cheaper")
    made = {}
    for external_id in CONTRACTS:
        made[external_id] = cancellation_open(contract_id=book[external_id], user=agent)
    for external_id in ("K-1", "K-2"):
        cancellation_identify_reason(
            request_id=made[external_id].pk,
            user=agent,
            reason_id=competitor.pk,
            competitor_name="Rival Rentals",
        )
    offer_present(request_id=made["K-1"].pk, user=agent, offer_id=costly.pk)
    cancellation_schedule_callback(
        request_id=made["K-2"].pk, user=agent, callback_at=timezone.now() + timedelta(days=1)
    )
    return made


def _csv_text(kind: str, rows: list[dict]) -> str:
    names = book_fields(kind)
    lines = [",".join(names)]
    lines += [",".join(str(row.get(name, "")) for name in names) for row in rows]
    return "\n".join(lines) + "\n"


@pytest.fixture
def contracts_csv(contract_row):
    """contracts_csv(rows) -> the CSV text of those contract rows."""

    def make(rows: list[dict]) -> str:
        return _csv_text("contracts", rows)

    return make


@pytest.fixture
def upload():
    """upload(text, name=...) -> a file as the browser sends it."""

    def make(text: str, name: str = "book.csv") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, text.encode(), content_type="text/csv")

    return make


@pytest.fixture
def csv_file(tmp_path):
    """csv_file(text) -> the path of a file holding it (for the command)."""

    def make(text: str) -> str:
        path = tmp_path / "book.csv"
        path.write_bytes(text.encode())
        return str(path)

    return make


@pytest.fixture
def stream():
    return lambda text: io.BytesIO(text.encode())
