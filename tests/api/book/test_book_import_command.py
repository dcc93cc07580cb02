"""`manage.py book_import <kind> <file> [--dry-run]`: the counts, every bad row, and an exit
code a script can trust."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.choices import AuditAction
from core.models import AuditEntry
from customers.models import Contract

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("book_import", *args, stdout=out)
    return out.getvalue()


def test_a_clean_file_is_imported_and_counted(book, contract_row, contracts_csv, csv_file):
    path = csv_file(contracts_csv([contract_row("K-1", monthly_fee=25000), contract_row("K-7")]))

    out = _run("contracts", path)

    assert "contracts: 2 rows; 1 were created, 1 were updated, 0 unchanged" in out
    assert "0 contracts closed by billing; 0 cancellation requests withdrawn" in out
    assert Contract.objects.get(external_id="K-7").monthly_fee == 30000
    entry = AuditEntry.objects.get(action=AuditAction.BOOK_SYNC, data__source="command")
    assert (entry.user, entry.data["file"]) == (None, "book.csv")


def test_every_bad_row_is_printed_and_the_exit_code_is_one(
    book, contract_row, contracts_csv, csv_file
):
    rows = [
        contract_row("K-7"),
        contract_row("K-8", customer_external_id="C-404"),
        contract_row("K-9", term_months=999),
    ]
    out = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("book_import", "contracts", csv_file(contracts_csv(rows)), stdout=out)

    assert failed.value.returncode == 1
    assert "2 of 3 rows have errors" in str(failed.value)
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith("line 3 (row 1) K-8: customer_external_id: No customer")
        and line.endswith("[unknown_reference]")
        for line in lines
    ), lines
    assert any(line.startswith("line 4 (row 2) K-9: term_months:") for line in lines), lines
    assert not Contract.objects.filter(external_id="K-7").exists()


def test_a_dry_run_writes_nothing(book, contract_row, contracts_csv, csv_file):
    out = _run("contracts", csv_file(contracts_csv([contract_row("K-7")])), "--dry-run")

    assert "1 would be created" in out and "nothing written" in out
    assert not Contract.objects.filter(external_id="K-7").exists()


@pytest.mark.parametrize(
    ("text", "words"), [("external_id,nickname\nK-1,x\n", "nickname"), ("", "empty")]
)
def test_a_file_that_is_not_a_book_is_refused_with_the_reason(db, csv_file, text, words):
    with pytest.raises(CommandError, match=words):
        _run("contracts", csv_file(text))


def test_a_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        _run("contracts", str(tmp_path / "nothing.csv"))
