"""Reading a book CSV as a stream: the header checked first, then one record at a time (a
million rows never sit in memory)."""

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from django.utils.translation import gettext as _

from core.errors import ServiceError
from customers.services.book.fields import KindSpec


def csv_open(
    *, spec: KindSpec, file: TextIO | BinaryIO, encoding: str
) -> tuple[list[int], int, Iterator[list[str]]]:
    """For each of the kind's fields, its cell's position in a record (`len(header)` for a
    column the file leaves out: the caller appends an empty cell there), the number of
    columns, and the records after the header. Refuses a file whose header does not name
    the kind's columns."""
    wrapper = None
    if isinstance(file.read(0), bytes):
        try:
            file = wrapper = io.TextIOWrapper(file, encoding=encoding, newline="")
        except LookupError:
            raise ServiceError(_("Unknown encoding."), code="encoding") from None
    reader = csv.reader(file)
    try:
        try:
            header = next(reader, None)
        except (UnicodeDecodeError, csv.Error):
            raise ServiceError(
                _("The file is not CSV text in %(encoding)s.") % {"encoding": encoding},
                code="encoding",
            ) from None
        if not header or not any(cell.strip() for cell in header):
            raise ServiceError(
                _("The file is empty: its first line must name the columns."), code="header"
            )
        names = [cell.strip().lstrip("\ufeff").strip().lower() for cell in header]
        _header_check(spec, names)
    except ServiceError:
        _release(wrapper)
        raise
    positions = [names.index(name) if name in names else len(names) for name in spec.names]
    return positions, len(names), _records(reader, encoding, wrapper)


def _release(wrapper: io.TextIOWrapper | None) -> None:
    """Let go of the caller's binary file without closing it (it is theirs to close)."""
    if wrapper is not None:
        wrapper.detach()


def _header_check(spec: KindSpec, names: list[str]) -> None:
    expected = ", ".join(spec.names)
    unknown = [name for name in names if name not in spec.names]
    if unknown:
        raise ServiceError(
            _("Unknown columns: %(names)s. The columns of %(kind)s are: %(expected)s.")
            % {
                "names": ", ".join(n or '""' for n in unknown)[:500],
                "kind": spec.kind,
                "expected": expected,
            },
            code="header",
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ServiceError(
            _("Columns named twice: %(names)s.") % {"names": ", ".join(repeated)},
            code="header",
        )
    missing = [f.name for f in spec.fields if f.required and f.name not in names]
    if missing:
        raise ServiceError(
            _("Missing columns: %(names)s. The columns of %(kind)s are: %(expected)s.")
            % {"names": ", ".join(missing), "kind": spec.kind, "expected": expected},
            code="header",
        )


def _records(reader, encoding: str, wrapper: io.TextIOWrapper | None) -> Iterator[list[str]]:
    try:
        yield from reader
    except UnicodeDecodeError:
        raise ServiceError(
            _("Line %(line)d is not %(encoding)s text.")
            % {"line": reader.line_num + 1, "encoding": encoding},
            code="encoding",
        ) from None
    except csv.Error as error:
        raise ServiceError(
            _("Line %(line)d is not valid CSV (%(error)s).")
            % {"line": reader.line_num, "error": error},
            code="csv",
        ) from None
    finally:
        _release(wrapper)
