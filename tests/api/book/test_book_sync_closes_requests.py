"""A contract billing closed (cancelled or ended) closes its open cancellation request
respectfully: withdrawn by the system with the reason, its pending approval withdrawn, its
planned calls ended, in the same transaction as the book write, which is audited."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from api.services.book import book_sync, book_sync_csv
from calls.choices import CallTaskKind, CallTaskStatus
from calls.models import CallTask
from cancellations.choices import PresentationAnswer, RequestState
from cancellations.models import CancellationRequest
from cancellations.services.closing import requests_withdraw_for_ended_contracts
from core.choices import AuditAction
from core.models import AuditEntry
from customers.models import Contract

pytestmark = pytest.mark.django_db

REASON = "Billing ended the contract."


def _state(request) -> str:
    return CancellationRequest.objects.get(pk=request.pk).state


def _closing(contract_row):
    today = timezone.localdate().isoformat()
    return [
        contract_row("K-1", status="cancelled", cancelled_on=today),
        contract_row("K-2", status="ended"),
        contract_row("K-3"),
    ]


def test_contracts_billing_closed_withdraw_their_open_requests(book, requests_open, contract_row):
    assert _state(requests_open["K-1"]) == RequestState.AWAITING_APPROVAL
    assert _state(requests_open["K-2"]) == RequestState.CALLBACK_SCHEDULED

    result = book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON)

    assert result.ended_contract_ids == sorted([book["K-1"], book["K-2"]])
    assert result.requests_withdrawn == 2
    assert _state(requests_open["K-1"]) == RequestState.WITHDRAWN
    assert _state(requests_open["K-2"]) == RequestState.WITHDRAWN
    assert _state(requests_open["K-3"]) == RequestState.OPENED
    withdrawn = CancellationRequest.objects.get(pk=requests_open["K-1"].pk)
    assert withdrawn.closed_at is not None and withdrawn.current_presentation is None


def test_an_offer_waiting_for_a_supervisor_has_its_approval_withdrawn(
    book, requests_open, contract_row
):
    presentation = requests_open["K-1"].presentations.get()
    assert presentation.answer == PresentationAnswer.AWAITING_APPROVAL

    book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON)

    presentation.refresh_from_db()
    assert presentation.answer == PresentationAnswer.APPROVAL_WITHDRAWN
    assert presentation.answer_note == REASON
    waiting = CancellationRequest.objects.filter(state=RequestState.AWAITING_APPROVAL)
    assert not waiting.exists()  # gone from the supervisor queue


def test_the_promised_callback_ends_but_a_call_an_agent_is_on_stays(
    book, requests_open, contract_row
):
    callback = CallTask.objects.get(
        cancellation_request=requests_open["K-2"], kind=CallTaskKind.CALLBACK
    )
    on_the_line = CallTask.objects.create(
        kind=CallTaskKind.SAVE_FOLLOW_UP,
        customer_id=callback.customer_id,
        cancellation_request=requests_open["K-2"],
        due_at=timezone.now(),
        status=CallTaskStatus.IN_PROGRESS,
        idempotency_key="on-the-line",
    )

    book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON)

    callback.refresh_from_db()
    on_the_line.refresh_from_db()
    assert callback.status == CallTaskStatus.CANCELLED
    assert on_the_line.status == CallTaskStatus.IN_PROGRESS


def test_the_withdrawal_is_audited_by_the_system_with_the_reason(book, requests_open, contract_row):
    book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON)

    entry = AuditEntry.objects.get(
        subject_type=ContentType.objects.get_for_model(CancellationRequest),
        subject_id=requests_open["K-1"].pk,
        action=AuditAction.WITHDRAW,
    )
    assert (entry.user, entry.note) == (None, REASON)
    assert (entry.source, entry.target) == (RequestState.AWAITING_APPROVAL, RequestState.WITHDRAWN)


def test_the_write_is_audited_once_on_the_kind_with_its_counts(book, contract_row, catalog_admin):
    book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON, user=catalog_admin)

    entry = AuditEntry.objects.get(action=AuditAction.BOOK_SYNC, data__kind="contracts")
    assert entry.subject_type == ContentType.objects.get_for_model(ContentType)
    assert entry.subject_id == ContentType.objects.get_for_model(Contract).pk
    assert entry.user == catalog_admin
    assert entry.data["updated"] == 2 and entry.data["contracts_closed"] == 2
    assert entry.data["requests_withdrawn"] == 0 and entry.data["source"] == "api"


def test_a_dry_run_or_a_refused_batch_withdraws_nothing(book, requests_open, contract_row):
    closing = _closing(contract_row)
    dry = book_sync(kind="contracts", rows=closing, dry_run=True, reason=REASON)
    refused = book_sync(
        kind="contracts", rows=[*closing, contract_row("K-9", term_months=0)], reason=REASON
    )

    assert (dry.requests_withdrawn, refused.requests_withdrawn) == (0, 0)
    assert _state(requests_open["K-1"]) == RequestState.AWAITING_APPROVAL
    assert Contract.objects.get(pk=book["K-1"]).status == "active"
    assert not AuditEntry.objects.filter(action__in=[AuditAction.BOOK_SYNC, "withdraw"]).exists()


def test_the_write_and_the_withdrawals_are_one_transaction(
    book, requests_open, contract_row, monkeypatch
):
    def fails(**kwargs):
        raise RuntimeError("the withdrawals failed")

    monkeypatch.setattr("api.services.book.requests_withdraw_for_ended_contracts", fails)

    with pytest.raises(RuntimeError):
        book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON)

    assert Contract.objects.get(pk=book["K-1"]).status == "active"


def test_a_contract_closed_already_withdraws_nothing_again(book, requests_open, contract_row):
    book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON)

    again = book_sync(kind="contracts", rows=_closing(contract_row), reason=REASON)

    assert (again.ended_contract_ids, again.requests_withdrawn) == ([], 0)


def test_a_csv_import_closes_requests_the_same_way(
    book, requests_open, contract_row, contracts_csv, stream
):
    text = contracts_csv(_closing(contract_row))

    result = book_sync_csv(kind="contracts", file=stream(text), reason=REASON)

    assert result.requests_withdrawn == 2
    assert _state(requests_open["K-2"]) == RequestState.WITHDRAWN


def test_the_service_alone_withdraws_only_open_requests(book, requests_open):
    first = requests_withdraw_for_ended_contracts(contract_ids=[book["K-3"]], reason=REASON)
    second = requests_withdraw_for_ended_contracts(contract_ids=[book["K-3"]], reason=REASON)
    none = requests_withdraw_for_ended_contracts(contract_ids=[], reason=REASON)

    assert (first, second, none) == (1, 0, 0)
    assert _state(requests_open["K-3"]) == RequestState.WITHDRAWN
