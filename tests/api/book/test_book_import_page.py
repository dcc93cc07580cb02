"""The book import page: operations admins only; a dry run lists every bad row (the first
ones, and how many more), a clean file is imported from where the dry run kept it."""

import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.choices import AuditAction
from core.models import AuditEntry
from customers.models import Contract, Customer

pytestmark = pytest.mark.django_db

URL = "/desk/integrations/book-import/"


def _token(response) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "no import button"
    return found.group(1)


def _kept(settings) -> list[Path]:
    return sorted(Path(settings.BOOK_IMPORT_DIR).glob("*/*"))


def test_the_url_is_the_named_page():
    assert reverse("book_import") == URL


@pytest.mark.parametrize("role", ["agent", "supervisor"])
def test_agents_and_supervisors_may_not_import(role, request, login, upload, contracts_csv):
    client = login(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403
    posted = client.post(URL, {"kind": "customers", "file": upload("external_id\n")})
    assert posted.status_code == 403


def test_the_page_shows_the_form_and_every_kind_s_columns(login, catalog_admin):
    response = login(catalog_admin).get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="file"' in page and 'name="kind"' in page
    assert "customer_external_id" in page and "penalty_rate_percent" in page


def test_a_dry_run_lists_every_bad_row_and_writes_nothing(
    login, catalog_admin, book, contract_row, contracts_csv, upload, settings
):
    rows = [
        contract_row("K-7"),
        contract_row("K-8", customer_external_id="C-404"),
        contract_row("K-9", term_months=0, start_date="2025-13-01"),
    ]

    response = login(catalog_admin).post(
        URL, {"kind": "contracts", "file": upload(contracts_csv(rows)), "encoding": "utf-8-sig"}
    )

    assert response.status_code == 200
    errors = response.context["result"].errors
    assert [(e.row, e.field, e.code) for e in errors] == [
        (1, "customer_external_id", "unknown_reference"),
        (2, "start_date", "invalid"),
        (2, "term_months", "min_value"),
    ]
    page = response.content.decode()
    assert "C-404" in page and "K-9" in page
    assert 'name="token"' not in page  # nothing to import
    assert not Contract.objects.filter(external_id="K-7").exists()
    assert _kept(settings) == []  # a file with errors is not kept


def test_only_the_first_bad_rows_are_listed_with_the_count_of_the_rest(
    login, catalog_admin, book, contract_row, contracts_csv, upload, monkeypatch
):
    monkeypatch.setattr("api.views.book_import.PAGE_ERRORS", 3)
    rows = [contract_row(f"K-{i}", term_months=0) for i in range(10, 20)]

    response = login(catalog_admin).post(
        URL, {"kind": "contracts", "file": upload(contracts_csv(rows)), "encoding": "utf-8-sig"}
    )

    assert len(response.context["result"].errors) == 3
    assert "The first 3 errors of 10 are listed" in response.content.decode()


def test_a_clean_file_is_checked_then_imported(
    login, catalog_admin, book, contract_row, contracts_csv, upload, settings
):
    client = login(catalog_admin)
    text = contracts_csv([contract_row("K-1", monthly_fee=25000), contract_row("K-7")])

    checked = client.post(URL, {"kind": "contracts", "file": upload(text, "june.csv")})
    assert checked.status_code == 200
    assert (checked.context["result"].created, checked.context["result"].updated) == (1, 1)
    assert not Contract.objects.filter(external_id="K-7").exists()
    assert len(_kept(settings)) == 2  # the file and what it is

    imported = client.post(URL, {"token": _token(checked)})

    assert imported.status_code == 302
    assert Contract.objects.get(external_id="K-7").monthly_fee == 30000
    assert Contract.objects.get(external_id="K-1").monthly_fee == 25000
    said = [str(m) for m in get_messages(imported.wsgi_request)]
    assert any("1 created, 1 updated" in m for m in said), said
    entry = AuditEntry.objects.get(action=AuditAction.BOOK_SYNC, data__source="page")
    assert (entry.user, entry.data["file"]) == (catalog_admin, "june.csv")
    assert _kept(settings) == []


def test_a_kept_file_is_its_user_s_only(
    login, catalog_admin, book, contract_row, contracts_csv, upload
):
    from tests.factories import UserFactory

    checked = login(catalog_admin).post(
        URL, {"kind": "contracts", "file": upload(contracts_csv([contract_row("K-7")]))}
    )
    other = UserFactory(username="catalog-choi", role="catalog_admin")

    response = login(other).post(URL, {"token": _token(checked)})

    assert response.status_code == 302
    assert not Contract.objects.filter(external_id="K-7").exists()
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("no longer kept" in m for m in said), said


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "x" * 32, "a\tb"])
def test_an_unknown_token_imports_nothing(login, catalog_admin, book, token):
    response = login(catalog_admin).post(URL, {"token": token})

    assert response.status_code == 302
    assert Contract.objects.count() == 3


def test_a_file_whose_header_does_not_fit_is_refused_with_the_reason(
    login, catalog_admin, upload, settings
):
    response = login(catalog_admin).post(
        URL, {"kind": "customers", "file": upload("external_id,nickname\nC-1,x\n")}
    )

    assert response.status_code == 400
    assert "nickname" in response.content.decode()
    assert _kept(settings) == []
    assert not Customer.objects.exists()


def test_a_file_over_the_page_limit_is_refused(login, catalog_admin, upload, monkeypatch, settings):
    monkeypatch.setattr("api.forms.BOOK_IMPORT_MAX_BYTES", 10)

    response = login(catalog_admin).post(
        URL, {"kind": "customers", "file": upload("external_id,customer_no\n")}
    )

    assert response.status_code == 400
    assert "book_import" in response.content.decode()
    assert _kept(settings) == []


def test_a_dry_run_costs_the_same_queries_whatever_the_file(
    login, catalog_admin, book, contract_row, contracts_csv, upload, django_assert_max_num_queries
):
    client = login(catalog_admin)
    client.get(URL)
    small = contracts_csv([contract_row(f"K-{i}") for i in range(10, 12)])
    large = contracts_csv([contract_row(f"K-{i}") for i in range(100, 600)])
    counts = []

    for text in (small, large):
        with django_assert_max_num_queries(16) as queries:
            response = client.post(URL, {"kind": "contracts", "file": upload(text)})
        assert response.context["result"].error_count == 0
        counts.append(len(queries))

    assert counts[0] == counts[1]
