"""The book upsert: records created and updated by the company's ids, every row checked,
a batch written all or none, unchanged records left alone."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.errors import ServiceError
from customers.models import Contract, Customer, Product
from customers.services.book import BOOK_BATCH_MAX, book_upsert
from tests.factories import ContractFactory, CustomerFactory

pytestmark = pytest.mark.django_db

# A 0, then digits of another script: not a phone number the desk can dial or store.
ARABIC_INDIC_PHONE = "0" + "".join(chr(0x0660 + int(d)) for d in "1012345678")


def _only_error(result):
    assert not result.written
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_new_external_ids_are_created_with_their_values(product_row, customer_row, book):
    products = book_upsert(kind="products", rows=[product_row(3, fee_adjustable="false")])
    customers = book_upsert(
        kind="customers", rows=[customer_row(3, phone="+82 10-9876-5432", alt_phone="02 555 0101")]
    )

    assert (products.created, products.updated, products.written) == (1, 0, True)
    assert (customers.created, customers.updated) == (1, 0)
    product = Product.objects.get(external_id="P-3")
    assert (product.code, product.monthly_fee, product.fee_adjustable) == ("BK-3", 30000, False)
    assert product.relocatable is True and product.max_pause_months == 3  # model defaults
    customer = Customer.objects.get(external_id="C-3")
    assert (customer.phone, customer.alt_phone) == ("01098765432", "025550101")
    assert (customer.value_tier, customer.language, customer.lifetime_revenue) == (
        "standard",
        "ko",
        0,
    )


def test_a_contract_names_its_customer_and_product_by_their_external_ids(contract_row, book):
    result = book_upsert(kind="contracts", rows=[contract_row(1, customer_external_id="C-2")])

    assert result.created == 1
    contract = Contract.objects.select_related("customer", "product").get(external_id="K-1")
    assert contract.customer.external_id == "C-2"
    assert contract.product.external_id == "P-1"
    assert (contract.start_date, contract.status, contract.discount_percent) == (
        date(2025, 1, 1),
        "active",
        0,
    )


def test_a_known_external_id_is_updated_and_its_updated_time_moves(customer_row, book):
    before = Customer.objects.get(external_id="C-1")

    result = book_upsert(kind="customers", rows=[customer_row(1, name="김민서(개명)")])

    after = Customer.objects.get(external_id="C-1")
    assert (result.created, result.updated) == (0, 1)
    assert after.pk == before.pk and after.name == "김민서(개명)"
    assert after.updated_at > before.updated_at
    assert after.created_at == before.created_at


def test_unchanged_rows_are_not_touched(customer_row, contract_row, book):
    book_upsert(kind="contracts", rows=[contract_row(1), contract_row(2)])
    stamps = dict(Contract.objects.values_list("external_id", "updated_at"))
    customer_stamp = Customer.objects.get(external_id="C-1").updated_at
    history = Contract.pgh_event_model.objects.count()

    again = book_upsert(kind="contracts", rows=[contract_row(1), contract_row(2)])
    customers = book_upsert(kind="customers", rows=[customer_row(1)])

    assert (again.created, again.updated, again.unchanged, again.written) == (0, 0, 2, True)
    assert (customers.created, customers.updated) == (0, 0)
    assert dict(Contract.objects.values_list("external_id", "updated_at")) == stamps
    assert Customer.objects.get(external_id="C-1").updated_at == customer_stamp
    assert Contract.pgh_event_model.objects.count() == history  # no update event either


def test_only_the_rows_that_changed_are_updated(contract_row, book):
    book_upsert(kind="contracts", rows=[contract_row(1), contract_row(2)])
    untouched = Contract.objects.get(external_id="K-1").updated_at

    result = book_upsert(
        kind="contracts", rows=[contract_row(1), contract_row(2, monthly_fee=27000)]
    )

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Contract.objects.get(external_id="K-1").updated_at == untouched
    assert Contract.objects.get(external_id="K-2").monthly_fee == 27000


def test_json_numbers_and_text_cells_mean_the_same(contract_row, book):
    book_upsert(kind="contracts", rows=[contract_row(1)])

    as_text = contract_row(1, term_months="60", monthly_fee=" 30000 ", prepaid_amount="0")
    result = book_upsert(kind="contracts", rows=[as_text])

    assert (result.created, result.updated, result.errors) == (0, 0, [])


def test_what_the_book_does_not_carry_is_left_alone(customer_row, contract_row, book):
    book_upsert(kind="contracts", rows=[contract_row(1)])
    Customer.objects.filter(external_id="C-1").update(lifetime_revenue=990_000)
    Contract.objects.filter(external_id="K-1").update(discount_percent=10)

    book_upsert(kind="customers", rows=[customer_row(1, name="김민서 고객")])
    book_upsert(kind="contracts", rows=[contract_row(1, monthly_fee=25000)])

    assert Customer.objects.get(external_id="C-1").lifetime_revenue == 990_000
    assert Contract.objects.get(external_id="K-1").discount_percent == 10


def test_an_empty_optional_field_takes_its_default(customer_row, book):
    book_upsert(kind="customers", rows=[customer_row(1, value_tier="vip", email="a@b.kr")])

    book_upsert(kind="customers", rows=[customer_row(1, value_tier="", email=None)])

    customer = Customer.objects.get(external_id="C-1")
    assert (customer.value_tier, customer.email) == ("standard", "")


BAD_VALUES = [
    ("products", "external_id", "", "required"),
    ("products", "external_id", "x" * 65, "too_long"),
    ("products", "external_id", ["P-9"], "invalid"),
    ("products", "code", None, "required"),
    ("products", "code", "C" * 21, "too_long"),
    ("products", "name_ko", "정수\x00기", "invalid"),
    ("products", "category", "toaster", "invalid_choice"),
    ("products", "monthly_fee", "30,000", "invalid"),
    ("products", "monthly_fee", 3.5, "invalid"),
    ("products", "monthly_fee", True, "invalid"),
    ("products", "monthly_fee", -1, "min_value"),
    ("products", "monthly_fee", 2**31, "max_value"),
    ("products", "monthly_fee", "9" * 40, "max_value"),
    ("products", "minimum_term_months", 0, "min_value"),
    ("products", "penalty_rate_percent", 101, "max_value"),
    ("products", "max_pause_months", 40_000, "max_value"),
    ("products", "fee_adjustable", "sometimes", "invalid"),
    ("customers", "customer_no", None, "required"),
    ("customers", "name", "김" * 61, "too_long"),
    ("customers", "phone", "", "required"),
    ("customers", "phone", "123", "invalid"),
    ("customers", "phone", ARABIC_INDIC_PHONE, "invalid"),
    ("customers", "phone", 1012345678, "invalid"),
    ("customers", "alt_phone", "call me", "invalid"),
    ("customers", "email", "not-an-email", "invalid"),
    ("customers", "region", "mars", "invalid_choice"),
    ("customers", "value_tier", "platinum", "invalid_choice"),
    ("customers", "language", "fr", "invalid_choice"),
    ("customers", "do_not_call", "maybe", "invalid"),
    ("contracts", "customer_external_id", "", "required"),
    ("contracts", "start_date", "2025-02-30", "invalid"),
    ("contracts", "start_date", "01/02/2025", "invalid"),
    ("contracts", "term_months", 0, "min_value"),
    ("contracts", "term_months", 121, "max_value"),
    ("contracts", "monthly_fee", "", "required"),
    ("contracts", "prepaid_amount", -5, "min_value"),
    ("contracts", "status", "paused", "invalid_choice"),
    ("contracts", "cancelled_on", "yesterday", "invalid"),
]


@pytest.mark.parametrize(("kind", "field", "value", "code"), BAD_VALUES)
def test_a_bad_value_is_refused_with_its_field_and_code(
    kind, field, value, code, product_row, customer_row, contract_row, book
):
    make = {"products": product_row, "customers": customer_row, "contracts": contract_row}[kind]
    before = Contract.objects.count() + Customer.objects.count() + Product.objects.count()

    result = book_upsert(kind=kind, rows=[make(7), make(8, **{field: value})])

    error = _only_error(result)
    assert (error.row, error.field, error.code) == (1, field, code)
    assert error.message
    if field != "external_id":
        assert error.external_id == make(8)["external_id"]
    assert (result.created, result.written) == (1, False)  # row 0 would be created...
    after = Contract.objects.count() + Customer.objects.count() + Product.objects.count()
    assert after == before  # ...but nothing is written


@pytest.mark.parametrize(
    ("kind", "changes", "field", "code"),
    [
        ("products", {"default_term_months": 12}, "default_term_months", "inconsistent"),
        ("contracts", {"status": "cancelled"}, "cancelled_on", "required"),
        ("contracts", {"cancelled_on": "2024-12-31"}, "cancelled_on", "inconsistent"),
    ],
)
def test_rules_across_fields(kind, changes, field, code, product_row, contract_row, book):
    make = product_row if kind == "products" else contract_row

    error = _only_error(book_upsert(kind=kind, rows=[make(9, **changes)]))

    assert (error.field, error.code) == (field, code)


def test_every_error_of_every_row_is_returned_in_row_order(customer_row, book):
    rows = [
        customer_row(5, phone="12", region="mars"),
        customer_row(6),
        customer_row(7, name=""),
    ]

    result = book_upsert(kind="customers", rows=rows)

    found = [(e.row, e.external_id, e.field, e.code) for e in result.errors]
    assert found == [
        (0, "C-5", "phone", "invalid"),
        (0, "C-5", "region", "invalid_choice"),
        (2, "C-7", "name", "required"),
    ]
    assert (result.error_count, result.bad_rows, result.written) == (3, 2, False)
    assert not Customer.objects.filter(external_id="C-6").exists()


def test_duplicates_inside_a_batch_are_refused(contract_row, book):
    rows = [contract_row(1), contract_row(2), contract_row(1, number="BN9"), contract_row(3)]
    rows[3]["number"] = rows[1]["number"]

    result = book_upsert(kind="contracts", rows=rows)

    found = [(e.row, e.field, e.code) for e in result.errors]
    assert found == [(2, "external_id", "duplicate"), (3, "number", "duplicate")]
    assert not Contract.objects.exists()


def test_references_to_unknown_customers_and_products_are_refused(contract_row, book):
    rows = [
        contract_row(1, customer_external_id="C-404"),
        contract_row(2, product_external_id="P-404"),
    ]

    result = book_upsert(kind="contracts", rows=rows)

    found = [(e.row, e.field, e.code) for e in result.errors]
    assert found == [
        (0, "customer_external_id", "unknown_reference"),
        (1, "product_external_id", "unknown_reference"),
    ]
    assert "C-404" in result.errors[0].message
    assert not Contract.objects.exists()


def test_a_number_another_record_holds_is_taken(contract_row, book):
    book_upsert(kind="contracts", rows=[contract_row(1), contract_row(2)])

    result = book_upsert(kind="contracts", rows=[contract_row(2, number="BN0000001")])

    error = _only_error(result)
    assert (error.field, error.code) == ("number", "taken")
    assert "K-1" in error.message


def test_a_desk_record_with_the_same_number_is_claimed(contract_row, customer_row, book):
    desk_customer = CustomerFactory(customer_no="B0000009")
    desk_contract = ContractFactory(number="BN0000009")

    customers = book_upsert(kind="customers", rows=[customer_row(9)])
    contracts = book_upsert(kind="contracts", rows=[contract_row(9)])

    assert (customers.created, customers.updated, contracts.created, contracts.updated) == (
        0,
        1,
        0,
        1,
    )
    desk_customer.refresh_from_db()
    desk_contract.refresh_from_db()
    assert (desk_customer.external_id, desk_contract.external_id) == ("C-9", "K-9")
    assert desk_contract.customer.external_id == "C-1"


def test_a_desk_record_with_a_code_the_book_moves_to_is_taken(product_row, book):
    from tests.factories import ProductFactory

    ProductFactory(code="DESK-1")

    error = _only_error(book_upsert(kind="products", rows=[product_row(1, code="DESK-1")]))

    assert (error.field, error.code) == ("code", "taken")


def test_an_unknown_field_or_a_row_that_is_not_an_object_is_refused(customer_row, book):
    result = book_upsert(kind="customers", rows=[customer_row(5, nickname="민"), ["C-6"]])

    found = [(e.row, e.external_id, e.field, e.code) for e in result.errors]
    assert found == [(0, "C-5", "nickname", "unknown_field"), (1, "", "", "invalid")]


def test_more_rows_than_a_batch_takes_are_refused_outright(customer_row, book):
    rows = (customer_row(i) for i in range(10, 12 + BOOK_BATCH_MAX))

    with pytest.raises(ServiceError) as refused:
        book_upsert(kind="customers", rows=rows)

    assert refused.value.code == "too_many_rows"
    assert Customer.objects.count() == 2


def test_an_unknown_kind_is_refused(db):
    with pytest.raises(ServiceError):
        book_upsert(kind="invoices", rows=[])


def test_a_dry_run_writes_nothing_but_says_what_it_would_do(customer_row, book):
    result = book_upsert(
        kind="customers",
        rows=[customer_row(1, name="새 이름"), customer_row(2), customer_row(3)],
        dry_run=True,
    )

    assert (result.created, result.updated, result.unchanged, result.written) == (1, 1, 1, False)
    assert not Customer.objects.filter(external_id="C-3").exists()
    assert Customer.objects.get(external_id="C-1").name == "김민서1"


def test_contracts_the_batch_closes_are_listed(contract_row, book):
    start = date.today() - timedelta(days=400)
    rows = [
        contract_row(i, start_date=str(start), status=status)
        for i, status in ((1, "active"), (2, "suspended"), (3, "cancelled"), (4, "active"))
    ]
    rows[2]["cancelled_on"] = str(start + timedelta(days=30))
    book_upsert(kind="contracts", rows=rows)
    closing = [dict(row) for row in rows]
    closing[0].update(status="cancelled", cancelled_on=str(date.today()))
    closing[1].update(status="ended")
    closing[2].update(status="ended")  # was closed already
    closing.append(contract_row(5, status="ended"))  # new, arrives closed

    result = book_upsert(kind="contracts", rows=closing)

    ids = dict(Contract.objects.values_list("external_id", "pk"))
    assert result.ended_contract_ids == sorted([ids["K-1"], ids["K-2"]])
    dry = book_upsert(kind="contracts", rows=closing, dry_run=True)
    assert dry.ended_contract_ids == []


def test_max_errors_keeps_the_first_and_counts_them_all(customer_row, book):
    rows = [customer_row(i, phone="0") for i in range(10, 40)]

    result = book_upsert(kind="customers", rows=rows, max_errors=5)

    assert [e.row for e in result.errors] == [0, 1, 2, 3, 4]
    assert (result.error_count, result.bad_rows) == (30, 30)


def test_a_batch_costs_the_same_queries_whatever_its_size(contract_row, book):
    def queries(rows) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert book_upsert(kind="contracts", rows=rows).written
        return len(captured)

    one = queries([contract_row(1)])
    many = queries([contract_row(i) for i in range(100, 600)])
    updated = queries([contract_row(i, monthly_fee=1) for i in range(100, 600)])

    assert one == many == updated <= 12


def test_a_number_the_desk_takes_while_the_batch_is_written_is_a_conflict(
    contract_row, book, monkeypatch
):
    from core.errors import Conflict
    from customers.services.book.staging import Stage

    checked = Stage.ended_ids

    def desk_takes_the_number(self):
        ContractFactory(number="BN0000001")  # after the checks, before the write
        return checked(self)

    monkeypatch.setattr(Stage, "ended_ids", desk_takes_the_number)

    with pytest.raises(Conflict):
        book_upsert(kind="contracts", rows=[contract_row(1)])

    assert not Contract.objects.filter(external_id="K-1").exists()
