"""CSV the desk streams: one line at a time (a million rows never sit in memory), UTF-8 with a
BOM so Excel reads Korean, numbers kept numbers, and text that a spreadsheet would run as a
formula neutralised."""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A cell a spreadsheet will show, never run: text that starts like a formula gets a
    leading apostrophe. Numbers are written as they are (a negative net stays a number)."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV lines one at a time, for a StreamingHttpResponse: never the whole file in memory."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([_cell(h) for h in header])  # BOM: Excel reads UTF-8
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])
