"""The offer answer tally (`OfferAnswerTally`): moved by each answer in the answer's own
transaction, or rebuilt from the presentations in one statement after rows were loaded in
bulk (the demo history, a migration)."""

from django.db import connection, transaction

from cancellations.choices import PresentationAnswer
from cancellations.models import OfferAnswerTally, OfferPresentation

COUNTED = (PresentationAnswer.ACCEPTED, PresentationAnswer.DECLINED)

_TABLE = OfferAnswerTally._meta.db_table
_PRESENTATIONS = OfferPresentation._meta.db_table

_ADD = f"""
INSERT INTO {_TABLE} AS t (reason_id, offer_id, accepted, answered) VALUES (%s, %s, %s, %s)
ON CONFLICT (reason_id, offer_id) DO UPDATE
SET accepted = t.accepted + EXCLUDED.accepted, answered = t.answered + EXCLUDED.answered
"""

_REBUILD = f"""
INSERT INTO {_TABLE} (reason_id, offer_id, accepted, answered)
SELECT reason_id, offer_id, count(*) FILTER (WHERE answer = %s), count(*)
FROM {_PRESENTATIONS}
WHERE reason_id IS NOT NULL AND answer = ANY(%s)
GROUP BY reason_id, offer_id
"""


def tally_answer_move(presentation: OfferPresentation, before: str, after: str) -> None:
    """Count a presentation's answer changing from `before` to `after` (call inside the
    transaction that saves it, so the tally commits or rolls back with the answer)."""
    if presentation.reason_id is None:
        return
    answered = (after in COUNTED) - (before in COUNTED)
    accepted = (after == PresentationAnswer.ACCEPTED) - (before == PresentationAnswer.ACCEPTED)
    if answered or accepted:
        with connection.cursor() as cursor:
            cursor.execute(
                _ADD, [presentation.reason_id, presentation.offer_id, accepted, answered]
            )


def tally_rebuild() -> int:
    """Recount the tally from every presentation, in one set-based statement.
    Writers wait on the table lock, so an answer given meanwhile is counted exactly once:
    before the lock it is in the recount, after it, it is added to the new rows."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_TABLE} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {_TABLE}")
        cursor.execute(_REBUILD, [PresentationAnswer.ACCEPTED, list(COUNTED)])
        return cursor.rowcount
