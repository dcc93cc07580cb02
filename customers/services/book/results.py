"""What a book write answers: one error per bad value, and the counts."""

from dataclasses import dataclass


@dataclass
class RowError:
    row: int  # 0-based index of the row in the input (CSV: data record, header excluded)
    external_id: str  # as given ('' if missing)
    field: str  # the field at fault ('' for the whole row)
    code: str  # stable machine code (customers.services.book.fields.CODES)
    message: str  # translated, a person can act on it


@dataclass
class BookResult:
    kind: str
    rows: int
    # What was written, or, when nothing was (a dry run, a bad row), what would have been
    # among the rows that passed.
    created: int
    updated: int
    errors: list[RowError]
    ended_contract_ids: list[int]  # contracts this batch moved to cancelled/ended
    written: bool  # False when dry_run or when any row had an error (all or none)
    # Every error, also those past `max_errors` (which `errors` leaves out), and the rows
    # that have at least one.
    error_count: int = 0
    bad_rows: int = 0
    # Filled in by the caller that closes their cancellation requests (api.services.book).
    requests_withdrawn: int = 0

    @property
    def unchanged(self) -> int:
        """Rows that passed and were (or would be) left as they are."""
        return max(self.rows - self.bad_rows - self.created - self.updated, 0)


class ErrorSink:
    """Collects errors as they are found, keeping the first `limit` (in the order given)
    and counting the rest; one sink per source, each in row order."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.kept: list[RowError] = []
        self.count = 0
        self.bad_rows = 0
        self._last_bad_row = -1

    def add(self, row: int, external_id: str, field: str, code: str, message: str) -> None:
        self.count += 1
        if row != self._last_bad_row:
            self.bad_rows += 1
            self._last_bad_row = row
        if self.limit is None or len(self.kept) < self.limit:
            self.kept.append(RowError(row, external_id, field, code, message))


def errors_merged(sinks: list[ErrorSink], limit: int | None) -> list[RowError]:
    """The first `limit` errors of all sinks in row order (each sink kept its own first
    `limit`, so none of the first `limit` overall is missing)."""
    merged = sorted((e for sink in sinks for e in sink.kept), key=lambda e: e.row)
    return merged if limit is None else merged[:limit]
