"""The rate arithmetic the dashboard figures share."""

from collections.abc import Iterable


def rate(numerator, denominator):
    return numerator / denominator if denominator else None


def with_rate(rows: Iterable[dict]) -> list[dict]:
    return [{**r, "rate": rate(r["retained"], r["retained"] + r["cancelled"])} for r in rows]
