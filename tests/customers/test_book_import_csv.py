"""The book from a CSV file: streamed, the header checked, every row as the API's, all or
none."""

import io

import pytest

from core.errors import ServiceError
from customers.models import Contract, Customer, Product
from customers.services.book import book_fields, book_import_csv

pytestmark = pytest.mark.django_db

CUSTOMERS = (
    "external_id,customer_no,name,phone,region,do_not_call\n"
    "C-10,B0000010,박지훈,010-2222-3333,seoul,false\n"
    "C-11,B0000011,최유나,+82 10 4444 5555,Busan,yes\n"
)


def _csv(text: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def test_a_csv_creates_the_records_it_names(db):
    result = book_import_csv(kind="customers", file=_csv(CUSTOMERS))

    assert (result.rows, result.created, result.written) == (2, 2, True)
    busan = Customer.objects.get(external_id="C-11")
    assert (busan.phone, busan.region, busan.do_not_call) == ("01044445555", "busan", True)


def test_the_same_csv_again_changes_nothing(db):
    book_import_csv(kind="customers", file=_csv(CUSTOMERS))
    stamps = list(Customer.objects.order_by("pk").values_list("updated_at", flat=True))

    again = book_import_csv(kind="customers", file=_csv(CUSTOMERS))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Customer.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps


def test_a_text_file_a_bom_and_korean_windows_encoding_are_read(db):
    assert book_import_csv(kind="customers", file=io.StringIO(CUSTOMERS)).created == 2
    Customer.objects.all().delete()
    assert book_import_csv(kind="customers", file=_csv("\ufeff" + CUSTOMERS)).created == 2
    Customer.objects.all().delete()

    result = book_import_csv(kind="customers", file=_csv(CUSTOMERS, "cp949"), encoding="cp949")

    assert result.created == 2
    assert Customer.objects.get(external_id="C-10").name == "박지훈"


def test_columns_in_any_order_and_optional_ones_left_out(db):
    text = "phone,region,name,customer_no,external_id\n010-1111-2222,jeju,한라,B1,C-1\n"

    result = book_import_csv(kind="customers", file=_csv(text))

    customer = Customer.objects.get(external_id="C-1")
    assert result.created == 1
    assert (customer.name, customer.value_tier, customer.email) == ("한라", "standard", "")


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("external_id,customer_no,name,phone,region,nickname", "nickname"),
        ("external_id,customer_no,name,region", "phone"),
        ("external_id,customer_no,name,phone,region,name", "name"),
        ("", "empty"),
    ],
)
def test_a_header_that_does_not_fit_the_kind_is_refused_outright(db, header, words):
    with pytest.raises(ServiceError) as refused:
        book_import_csv(kind="customers", file=_csv(header + "\n" if header else ""))

    assert words in str(refused.value.message)
    assert refused.value.code == "header"


def test_a_file_that_is_not_the_encoding_named_is_refused(db):
    with pytest.raises(ServiceError) as refused:
        book_import_csv(kind="customers", file=_csv(CUSTOMERS, "cp949"))

    assert refused.value.code == "encoding"
    assert not Customer.objects.exists()


def test_bad_rows_are_numbered_from_the_first_line_after_the_header(db):
    text = (
        "external_id,customer_no,name,phone,region\n"
        "C-1,B1,하나,010-1111-2222,seoul\n"
        "\n"  # blank: skipped, but keeps its number
        "C-3,B3,셋,12,seoul\n"
        "C-4,B4,넷\n"
        "C-5,B5,다섯,010-5555-5555,seoul,,,\n"  # empty cells after the last column
    )

    result = book_import_csv(kind="customers", file=_csv(text))

    found = [(e.row, e.external_id, e.field, e.code) for e in result.errors]
    assert found == [(2, "C-3", "phone", "invalid"), (3, "C-4", "", "invalid")]
    assert (result.rows, result.bad_rows, result.written) == (4, 2, False)
    assert not Customer.objects.exists()


def test_a_nul_in_a_cell_is_an_error_of_its_row(db):
    text = "external_id,customer_no,name,phone,region\nC-1,B1,a\x00b,010-1111-2222,seoul\n"

    result = book_import_csv(kind="customers", file=_csv(text))

    assert [(e.field, e.code) for e in result.errors] == [("name", "invalid")]


def test_a_whole_book_in_order_products_customers_contracts(db):
    products = (
        f"{','.join(book_fields('products'))}\n"
        "P-1,BK-1,정수기,Purifier,water_purifier,30000,36,60,30,100000,50000,true,20000,"
        "true,true,3,true\n"
    )
    contracts = (
        f"{','.join(book_fields('contracts'))}\n"
        "K-1,BN1,C-10,P-1,2025-03-01,60,30000,0,active,\n"
        "K-2,BN2,C-11,P-1,2024-03-01,36,29000,0,cancelled,2025-01-31\n"
    )

    for kind, text in (("products", products), ("customers", CUSTOMERS)):
        assert book_import_csv(kind=kind, file=_csv(text)).written
    result = book_import_csv(kind="contracts", file=_csv(contracts))

    assert (result.created, result.written) == (2, True)
    assert Product.objects.get(external_id="P-1").fee_floor == 20000
    cancelled = Contract.objects.get(external_id="K-2")
    assert (cancelled.status, str(cancelled.cancelled_on)) == ("cancelled", "2025-01-31")


def test_a_dry_run_of_a_file_writes_nothing(db):
    result = book_import_csv(kind="customers", file=_csv(CUSTOMERS), dry_run=True)

    assert (result.created, result.written) == (2, False)
    assert not Customer.objects.exists()


def test_the_callers_file_is_left_open_for_them_to_close(db):
    good, bad = _csv(CUSTOMERS), _csv("nickname\nx\n")

    book_import_csv(kind="customers", file=good)
    with pytest.raises(ServiceError):
        book_import_csv(kind="customers", file=bad)

    assert not good.closed and not bad.closed
