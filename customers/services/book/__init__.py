"""The book sync: customers, products and contracts upserted by the company's own ids.

`book_upsert` takes rows as the API receives them (JSON values) and `book_import_csv` a CSV
file (text cells); both go the same way:

1. every row is validated in Python (`fields.row_validate`: required, types, choices,
   lengths, ranges, dates, phones normalised, cross-field rules), its errors collected;
2. the rows that passed are COPYed into a temporary table as they are read;
3. one query checks them against each other and the database (`staging.Stage`):
   duplicates of an external id or a number in the batch, numbers held by another record,
   references to customers and products that do not exist;
4. with no error anywhere (and not a dry run) one UPDATE changes the records whose values
   differ (so `updated_at` moves only on a real change) and one INSERT ... ON CONFLICT adds
   the new ones. Any error: nothing is written, every error is returned (all or none).

Decisions: a row is the whole record (a field left out or empty takes its default, as on
creation); fields the book does not carry (a customer's lifetime revenue, a contract's pause
or discount) are left as they are. References name records already in the database: a
batch holds one kind, so import products and customers before contracts. A record the desk
made (no external id) with the same code, customer number or contract number is claimed by
the book: it gets the external id and the book's values, instead of being refused. A
number another external id holds is refused (`taken`), also when the batch would swap two
numbers (do it in two batches). Writers of one kind queue on an advisory lock.

The number of queries is fixed (about ten) whatever the batch size.
"""

from collections.abc import Iterable, Iterator, Mapping
from operator import itemgetter
from typing import BinaryIO, TextIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import Conflict, ServiceError
from core.updates import CATALOG_KEY, updates_bump
from customers.services.book.csvfile import csv_open
from customers.services.book.fields import CODES, SPECS, KindSpec, row_validate
from customers.services.book.results import BookResult, ErrorSink, RowError, errors_merged
from customers.services.book.staging import Stage

__all__ = [
    "BOOK_BATCH_MAX",
    "BOOK_KINDS",
    "CODES",
    "BookResult",
    "RowError",
    "book_fields",
    "book_import_csv",
    "book_upsert",
]

BOOK_KINDS = ("products", "customers", "contracts")
# The most rows `book_upsert` takes at once (the API's bulk limit); a CSV import has none.
BOOK_BATCH_MAX = 1_000


def _spec(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ServiceError(
            _("Unknown kind: choose one of %(kinds)s.") % {"kinds": ", ".join(BOOK_KINDS)},
            code="kind",
        ) from None


def book_fields(kind: str) -> tuple[str, ...]:
    """The fields of `kind`, in CSV column order."""
    return _spec(kind).names


class _Counter:
    def __init__(self) -> None:
        self.rows = 0


def book_upsert(
    *,
    kind: str,
    rows: Iterable[Mapping[str, object]],
    dry_run: bool = False,
    max_rows: int | None = BOOK_BATCH_MAX,
    max_errors: int | None = None,
) -> BookResult:
    """Upsert `rows` of `kind` (JSON values or text), all or none. More than `max_rows`
    rows is refused outright (ServiceError `too_many_rows`); `errors` keeps the first
    `max_errors` errors (all when None) and `error_count` counts them all."""
    spec = _spec(kind)
    sink, counter = ErrorSink(max_errors), _Counter()
    allowed = frozenset(spec.names)

    def staged() -> Iterator[list]:
        for index, row in enumerate(rows):
            if max_rows is not None and index >= max_rows:
                raise ServiceError(
                    _("At most %(max)d rows at once.") % {"max": max_rows}, code="too_many_rows"
                )
            counter.rows += 1
            if not isinstance(row, Mapping):
                sink.add(index, "", "", "invalid", _("Each row must be an object of fields."))
                continue
            if not allowed.issuperset(row):
                external_id = row.get("external_id")
                external_id = "" if external_id is None else str(external_id)
                for name in sorted(map(str, row.keys() - allowed)):
                    message = _("This field is not part of the book: check its name.")
                    sink.add(index, external_id, name[:100], "unknown_field", message)
                continue
            values = row_validate(spec, index, map(row.get, spec.names), sink)
            if values is not None:
                yield [index, *values]

    return _run(spec, staged(), counter, sink, dry_run=dry_run, max_errors=max_errors)


def book_import_csv(
    *,
    kind: str,
    file: TextIO | BinaryIO,
    dry_run: bool = False,
    encoding: str = "utf-8-sig",
    max_errors: int | None = None,
) -> BookResult:
    """Import a whole CSV of `kind` (header: the kind's field names; a column left out is
    empty in every row), streamed. Rows are numbered from 0 after the header (blank lines
    count but are skipped). A header that does not fit, or a file that is not CSV text in
    `encoding`, is refused outright (ServiceError)."""
    spec = _spec(kind)
    positions, width, records = csv_open(spec=spec, file=file, encoding=encoding)
    cells_of = itemgetter(*positions)
    sink, counter = ErrorSink(max_errors), _Counter()
    external_id_at = positions[0]

    def staged() -> Iterator[list]:
        for index, cells in enumerate(records):
            if not any(cells):
                continue
            counter.rows += 1
            if len(cells) != width:
                if len(cells) < width or any(cells[width:]):
                    external_id = cells[external_id_at] if external_id_at < len(cells) else ""
                    message = _("This row has %(cells)d cells; the header has %(columns)d.") % {
                        "cells": len(cells),
                        "columns": width,
                    }
                    sink.add(index, external_id.strip(), "", "invalid", message)
                    continue
                del cells[width:]  # empty cells after the last column (a spreadsheet's)
            cells.append("")  # the cell of every column the file leaves out
            values = row_validate(spec, index, cells_of(cells), sink)
            if values is not None:
                yield [index, *values]

    return _run(spec, staged(), counter, sink, dry_run=dry_run, max_errors=max_errors)


def _run(
    spec: KindSpec,
    staged: Iterator[list],
    counter: _Counter,
    sink: ErrorSink,
    *,
    dry_run: bool,
    max_errors: int | None,
) -> BookResult:
    stage = Stage(spec)
    try:
        with transaction.atomic():
            stage.create()
            stage.copy(staged)
            stage.tune(counter.rows)
            if not dry_run:
                stage.lock()
            stage.resolve(counter.rows)
            checked = ErrorSink(max_errors)
            stage.errors(checked)
            written = not dry_run and not sink.count and not checked.count
            ended: list[int] = []
            if written:
                ended = stage.ended_ids()
                try:
                    created, updated = stage.write()
                except IntegrityError:
                    # The desk gave a record the same number between the check and the write.
                    raise Conflict(
                        _("A record changed while the batch was written: send it again.")
                    ) from None
                if spec.kind == "products" and created + updated:
                    # Products are read by the live catalog (`catalog.live`); a bulk write
                    # sends no signals.
                    updates_bump([CATALOG_KEY], at_once=True)
            else:
                created, updated = stage.preview()
            stage.drop()
    finally:
        stage.close()
    return BookResult(
        kind=spec.kind,
        rows=counter.rows,
        created=created,
        updated=updated,
        errors=errors_merged([sink, checked], max_errors),
        ended_contract_ids=ended,
        written=written,
        error_count=sink.count + checked.count,
        bad_rows=sink.bad_rows + checked.bad_rows,
    )
