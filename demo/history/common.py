"""What the history generators share: ids reserved up front, a moment in the working day,
a weighted pick, and the audit trail of one subject."""

import random
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.utils import timezone

AUDIT_COLUMNS = [
    "subject_type_id",
    "subject_id",
    "action",
    "source",
    "target",
    "user_id",
    "note",
    "data",
    "at",
]


def _reserve(model, count: int) -> int:
    """Reserve `count` ids from the model's sequence; returns the first."""
    with connection.cursor() as cursor:
        table = model._meta.db_table
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
        first = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, first + count]
        )
    return first


def _moment(rng: random.Random, day: date) -> datetime:
    at = time(9 + rng.randrange(9), rng.randrange(60), rng.randrange(60))
    return timezone.make_aware(datetime.combine(day, at))


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights)[0]


class _Audit:
    """Audit rows for one subject, each transition `seconds` after the one before."""

    def __init__(self, rows: list, type_id: int, subject_id: int, at: datetime):
        self.rows, self.type_id, self.subject_id, self.at = rows, type_id, subject_id, at

    def step(self, action: str, source: str, target: str, user_id: int, seconds: int):
        self.at += timedelta(seconds=seconds)
        self.rows.append(
            (self.type_id, self.subject_id, action, source, target, user_id, "", "{}", self.at)
        )
        return self.at
