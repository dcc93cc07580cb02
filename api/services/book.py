"""The book sync as the API, the import page and the command use it: the customers' upsert
(`customers.services.book`, where every row is validated), then the cancellation requests
of the contracts billing closed withdrawn, in one transaction, and the write audited.

It lives above both apps because `customers` may not import `cancellations`. A batch that
is refused (any bad row) or a dry run writes nothing and is not audited; a written batch
is audited once, on the kind's content type (the subject is "the contracts", not one
contract: a million rows would be a million entries), with the counts in the entry's data.
pghistory's update events of the records it changed carry `book_sync: <kind>` as context.
"""

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

import pghistory
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from cancellations.services.closing import requests_withdraw_for_ended_contracts
from core.choices import AuditAction
from core.errors import ServiceError
from core.services.audit import audit_record
from customers.models import Contract, Customer, Product
from customers.services.book import (
    BOOK_BATCH_MAX,
    BookResult,
    book_import_csv,
    book_upsert,
)

_MODELS = {"products": Product, "customers": Customer, "contracts": Contract}


def book_sync(
    *,
    kind: str,
    rows,
    dry_run: bool = False,
    reason: str = "",
    user=None,
    max_rows: int | None = BOOK_BATCH_MAX,
    max_errors: int | None = None,
) -> BookResult:
    """Upsert `rows` (the API's single and bulk writes), then withdraw the open requests of
    the contracts the batch closed, with `reason` as their note. `user`: the desk user who
    did it, None for an integration (the API's `audit_actor` names its key)."""
    with transaction.atomic(), pghistory.context(book_sync=kind):
        result = book_upsert(
            kind=kind, rows=rows, dry_run=dry_run, max_rows=max_rows, max_errors=max_errors
        )
        _written(result, reason=reason, user=user, data={"source": "api"})
    return result


def book_sync_csv(
    *,
    kind: str,
    file: TextIO | BinaryIO,
    dry_run: bool = False,
    reason: str = "",
    user=None,
    encoding: str = "utf-8-sig",
    max_errors: int | None = None,
    source: str = "csv",
    file_name: str = "",
) -> BookResult:
    """Import a whole CSV of `kind` (the import page, `manage.py book_import`), then
    withdraw the open requests of the contracts it closed, all in one transaction."""
    with transaction.atomic(), pghistory.context(book_sync=kind):
        result = book_import_csv(
            kind=kind, file=file, dry_run=dry_run, encoding=encoding, max_errors=max_errors
        )
        _written(result, reason=reason, user=user, data={"source": source, "file": file_name})
    return result


def _written(result: BookResult, *, reason: str, user, data: dict) -> None:
    if not result.written:
        return
    note = reason or _("The contract was closed by billing (book sync).")
    result.requests_withdrawn = requests_withdraw_for_ended_contracts(
        contract_ids=result.ended_contract_ids, reason=note
    )
    audit_record(
        subject=ContentType.objects.get_for_model(_MODELS[result.kind]),
        action=AuditAction.BOOK_SYNC,
        user=user,
        data={
            **data,
            "kind": result.kind,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "contracts_closed": len(result.ended_contract_ids),
            "requests_withdrawn": result.requests_withdrawn,
        },
    )


# ---- a file checked on the import page, kept for its import ----------------------------------

# The page checks a file (a dry run), then imports the same file: it is kept server-side in
# between, for its user only, under a random name (never one the browser chose), readable
# by this process's user only, and deleted once imported or after UPLOAD_KEEP_SECONDS.
# With several web servers, BOOK_IMPORT_DIR must be a folder they share.
UPLOAD_KEEP_SECONDS = 3_600
# The encodings a file may be in: UTF-8 (with or without a BOM), and what Excel saves a CSV
# in on a Korean Windows.
CSV_ENCODINGS = ("utf-8-sig", "cp949")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}\Z")


@dataclass(frozen=True)
class KeptUpload:
    token: str
    path: Path
    kind: str
    encoding: str
    name: str


def _uploads_dir() -> Path:
    folder = getattr(settings, "BOOK_IMPORT_DIR", None)
    return Path(folder) if folder else Path(tempfile.gettempdir()) / "retention-desk-book-imports"


def _user_dir(user) -> Path:
    folder = _uploads_dir() / str(int(user.pk))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def book_uploads_purge(*, older_than: float = UPLOAD_KEEP_SECONDS) -> int:
    """Delete kept files older than `older_than` seconds (every user's). Returns how many."""
    root, deadline, removed = _uploads_dir(), time.time() - older_than, 0
    for path in root.glob("*/*") if root.is_dir() else ():
        try:
            if path.stat().st_mtime < deadline:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def book_upload_keep(*, user, upload, kind: str, encoding: str) -> KeptUpload:
    """Keep `upload` (a Django UploadedFile) for `user` until its import."""
    book_uploads_purge()
    token = secrets.token_urlsafe(24)
    folder = _user_dir(user)
    path = folder / f"{token}.csv"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    meta = {"kind": kind, "encoding": encoding, "name": str(upload.name or "")[:200]}
    descriptor = os.open(folder / f"{token}.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(meta, out)
    return KeptUpload(token, path, kind, encoding, meta["name"])


def book_upload_get(*, user, token: str) -> KeptUpload:
    """The file `user` kept under `token`, or ServiceError if there is none (any more)."""
    missing = ServiceError(
        _("The checked file is no longer kept (it is kept for an hour): check it again."),
        code="not_found",
    )
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise missing
    folder = _uploads_dir() / str(int(user.pk))
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        raise missing from None
    path = folder / f"{token}.csv"
    if not path.is_file() or meta.get("kind") not in _MODELS:
        raise missing
    if meta.get("encoding") not in CSV_ENCODINGS:
        raise missing
    return KeptUpload(token, path, meta["kind"], str(meta.get("encoding")), str(meta.get("name")))


def book_upload_discard(*, user, token: str) -> None:
    if not isinstance(token, str) or not _TOKEN.match(token):
        return
    folder = _uploads_dir() / str(int(user.pk))
    for suffix in (".csv", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)
