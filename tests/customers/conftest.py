"""Rows of the company's book as the API sends them (JSON values), one valid row per kind
with whatever a test changes, and the products and customers contracts name."""

import pytest

from customers.services.book import book_upsert


def _product(i: int = 1, **changes) -> dict:
    return {
        "external_id": f"P-{i}",
        "code": f"BK-{i}",
        "name_ko": f"얼음정수기 {i}",
        "name_en": f"Ice purifier {i}",
        "category": "water_purifier",
        "monthly_fee": 30000,
        "minimum_term_months": 36,
        "default_term_months": 60,
        "penalty_rate_percent": 30,
        **changes,
    }


def _customer(i: int = 1, **changes) -> dict:
    return {
        "external_id": f"C-{i}",
        "customer_no": f"B{i:07d}",
        "name": f"김민서{i}",
        "phone": f"010-1234-{i:04d}",
        "region": "seoul",
        **changes,
    }


def _contract(i: int = 1, **changes) -> dict:
    return {
        "external_id": f"K-{i}",
        "number": f"BN{i:07d}",
        "customer_external_id": "C-1",
        "product_external_id": "P-1",
        "start_date": "2025-01-01",
        "term_months": 60,
        "monthly_fee": 30000,
        **changes,
    }


@pytest.fixture
def product_row():
    """product_row(i, **changes) -> a valid product row."""
    return _product


@pytest.fixture
def customer_row():
    return _customer


@pytest.fixture
def contract_row():
    return _contract


@pytest.fixture
def book(db):
    """Products P-1, P-2 and customers C-1, C-2 in the database (by the book itself)."""
    for kind, rows in (
        ("products", [_product(1), _product(2)]),
        ("customers", [_customer(1), _customer(2)]),
    ):
        result = book_upsert(kind=kind, rows=rows)
        assert result.written, result.errors
