"""The dashboards' CSV files: every table is one, numbers stay numbers, and no value can
become a formula."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from core.csv import csv_rows
from reporting.analytics.tables import TABLES
from reporting.services.facts import facts_refresh
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.reporting.helpers import call_cancelled

pytestmark = pytest.mark.django_db


def _csv(client, name, query=""):
    response = client.get(reverse("dashboard_csv", args=[name]) + query)
    assert response.status_code == 200
    assert response.streaming
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


# ---- CSV ----------------------------------------------------------------------------------


def test_every_table_is_a_csv(client_as_supervisor, outcomes):
    """From the services through the facts to the file (each table's exact contents on
    hand-built facts: test_dashboards_metrics.py)."""
    for name in TABLES:
        rows = _csv(client_as_supervisor, name)
        assert rows[0][0].startswith("\ufeff")  # Excel reads it as UTF-8
    rows = _csv(client_as_supervisor, "save-rate-category")
    assert rows[0][1:] == ["Retained", "Cancelled", "Save rate"]
    assert ["Financial burden", "2", "0", "1.0000"] in rows


def test_csv_numbers_stay_numbers_and_only_formula_text_is_neutralised():
    row = [-12345, -0.5, Decimal("-1.5000"), 0, "+1", "\tcmd", "\rcmd", "=1+2", "@SUM(A1)"]
    row += ["-3+4", "plain - text", None]
    lines = list(csv_rows(["=header", "ok"], [row]))
    header, written = csv.reader(io.StringIO("".join(lines).removeprefix("\ufeff")))
    assert header == ["'=header", "ok"]
    assert written[:4] == ["-12345", "-0.5", "-1.5000", "0"]  # numbers, no apostrophe
    assert written[4:10] == ["'+1", "'\tcmd", "'\rcmd", "'=1+2", "'@SUM(A1)", "'-3+4"]
    assert written[10:] == ["plain - text", ""]


def test_a_negative_net_exports_as_a_number(client_as_supervisor, book_data):
    rows = _csv(client_as_supervisor, "save-value")
    assert ["Free visit", "1", "1.0000", "30000", "80000", "-50000"] in rows


def test_request_export_lists_every_closed_request(client_as_supervisor, outcomes):
    rows = _csv(client_as_supervisor, "requests")
    assert len(rows) == 1 + 4
    assert sorted(row[2] for row in rows[1:]) == ["cancelled", "retained", "retained", "retained"]


def test_csv_never_lets_a_value_become_a_formula(client_as_supervisor, reason):
    sneaky = UserFactory(
        username="sneaky", first_name="=HYPERLINK(evil)", last_name="", role="agent"
    )
    contract = ContractFactory(customer=CustomerFactory(name="=1+2"))
    call_cancelled(
        sneaky,
        reason,
        "competitor_cheaper",
        contract=contract,
        competitor="@SUM(A1)",
        offer_note="-3+4",
    )
    facts_refresh()
    exported = _csv(client_as_supervisor, "requests")
    assert exported[1][3] == "'=1+2"
    assert exported[1][4] == "'=HYPERLINK(evil)"
    rivals = _csv(client_as_supervisor, "competitors")
    assert rivals[1][0] == "'@SUM(A1)" and rivals[1][2] == "'-3+4"
    assert not any(cell.startswith(("=", "@", "+", "-")) for row in exported for cell in row)


def test_unknown_csv_is_404(client_as_supervisor):
    response = client_as_supervisor.get(reverse("dashboard_csv", args=["shoe-size"]))
    assert response.status_code == 404
