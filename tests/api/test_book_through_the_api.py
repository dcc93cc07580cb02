"""The book through the API: one record by its external id (PUT), up to 1,000 at once
(POST …/bulk) written all or none with every bad row named, a retry with its Idempotency-Key
done once, and a contract billing ended closing its open cancellation request."""

import pytest

from cancellations.choices import RequestState
from cancellations.models import CancellationRequest
from cancellations.services.opening import cancellation_open
from core.models import AuditEntry
from customers.models import Contract, Customer
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def _customer(n: int, **overrides) -> dict:
    return {
        "external_id": f"C-{n}",
        "customer_no": f"EXT{n:06d}",
        "name": f"김고객{n}",
        "phone": f"010-2000-{n:04d}",
        "region": "seoul",
        **overrides,
    }


def test_put_creates_then_updates_by_the_external_id(api):
    client = api("book:write", "read")
    created = client.put("/api/v1/customers/C-1", _customer(1), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["phone"] == "010-****-0001"
    updated = client.put("/api/v1/customers/C-1", _customer(1, name="김바뀜"), format="json")
    assert updated.status_code == 200
    assert Customer.objects.get(external_id="C-1").name == "김바뀜"
    assert Customer.objects.count() == 1


def test_put_refuses_a_body_naming_another_record(api):
    response = api("book:write").put("/api/v1/customers/C-1", _customer(2), format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "external_id"
    assert not Customer.objects.exists()


def test_a_bulk_batch_with_one_bad_row_writes_nothing_and_names_the_row(api):
    rows = [_customer(n) for n in range(1, 6)]
    rows[3]["phone"] = "12"
    response = api("book:write").post("/api/v1/customers/bulk", {"items": rows}, format="json")
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid_rows"
    assert [(e["row"], e["external_id"], e["field"]) for e in body["errors"]] == [
        (3, "C-4", "phone")
    ]
    assert not Customer.objects.exists()


def test_a_bulk_batch_is_written_whole_and_counted(api):
    rows = [_customer(n) for n in range(1, 11)]
    response = api("book:write").post("/api/v1/customers/bulk", {"items": rows}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "rows": 10,
        "created": 10,
        "updated": 0,
        "written": True,
        "cancellations_withdrawn": 0,
    }
    assert Customer.objects.count() == 10


def test_a_dry_run_checks_and_writes_nothing(api):
    response = api("book:write").post(
        "/api/v1/customers/bulk", {"items": [_customer(1)], "dry_run": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["written"] is False
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"items": []}, {"items": "x"}, {"items": [1, 2]}, {"items": [{}], "dry_run": "yes"}],
)
def test_a_malformed_batch_is_refused(api, body):
    response = api("book:write").post("/api/v1/customers/bulk", body, format="json")
    assert response.status_code == 400
    assert not Customer.objects.exists()


def test_more_than_a_thousand_rows_are_refused(api):
    rows = [_customer(n) for n in range(1001)]
    response = api("book:write").post("/api/v1/customers/bulk", {"items": rows}, format="json")
    assert response.status_code == 400
    assert "1,000" in response.json()["errors"][0]["message"]


def test_a_bulk_retry_with_its_idempotency_key_is_done_once(api):
    client = api("book:write")
    body = {"items": [_customer(1), _customer(2)]}
    first = client.post("/api/v1/customers/bulk", body, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    second = client.post("/api/v1/customers/bulk", body, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    assert first.json()["created"] == 2
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert AuditEntry.objects.filter(action="api_write").count() == 1


def test_a_contract_billing_ended_withdraws_its_open_request_with_the_reason(api, agent):
    contract = ContractFactory(
        external_id="K-1", customer__external_id="C-1", product__external_id="P-1"
    )
    request = cancellation_open(contract_id=contract.pk, user=agent)
    row = {
        "external_id": "K-1",
        "number": contract.number,
        "customer_external_id": "C-1",
        "product_external_id": "P-1",
        "start_date": contract.start_date.isoformat(),
        "term_months": contract.term_months,
        "monthly_fee": contract.monthly_fee,
        "status": "cancelled",
        "cancelled_on": "2026-12-01",
    }
    response = api("book:write").put("/api/v1/contracts/K-1", row, format="json")
    assert response.status_code == 200, response.content
    assert Contract.objects.get(pk=contract.pk).status == "cancelled"
    request = CancellationRequest.objects.get(pk=request.pk)
    assert request.state == RequestState.WITHDRAWN
    entry = AuditEntry.objects.filter(subject_id=request.pk, action="withdraw").get()
    assert "billing" in entry.note.lower() and entry.data["api_key"].startswith("rdk_")
