"""The set-based half of a book write: validated rows are COPYed into a temporary table,
checked against each other and the database in one pass, then written with one UPDATE and
one INSERT ... ON CONFLICT per batch, whatever its size.

`book_stage` holds the rows as validated; `book_resolved` adds, per row, the record it
updates (by external id, or an unclaimed desk record with the same number), the ids its
references name, whether anything changed, and the first row of its external id and key
(duplicates). Both are temporary (dropped at the end and on commit): a session's own, so two
imports never see each other's rows.
"""

from django.db import connection
from django.utils.translation import gettext as _

from customers.choices import ContractStatus
from customers.services.book.fields import KindSpec
from customers.services.book.results import ErrorSink

# Above this many rows the planner is given statistics and sorts get memory.
_BIG = 10_000
_OPEN = (ContractStatus.ACTIVE.value, ContractStatus.SUSPENDED.value)
_CLOSED = (ContractStatus.CANCELLED.value, ContractStatus.ENDED.value)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


class Stage:
    """One batch of one kind in the database. Use inside a transaction."""

    def __init__(self, spec: KindSpec) -> None:
        self.spec = spec
        self.table = _q(spec.model._meta.db_table)
        self.key = _q(spec.key)
        # What the book writes: its fields' columns, then the references' ids.
        self.plain = [f.name for f in spec.fields if f.column is not None]
        self.written = [*self.plain, *(ref.column for ref in spec.references)]
        self.cursor = connection.cursor()

    # ---- loading -----------------------------------------------------------------------

    def create(self) -> None:
        columns = ["idx integer"]
        for f in self.spec.fields:
            kind = f.column.db_type(connection) if f.column is not None else "text"
            columns.append(f"{_q(f.name)} {kind}")
        self.cursor.execute(
            "DROP TABLE IF EXISTS book_resolved; DROP TABLE IF EXISTS book_stage; "
            f"CREATE TEMPORARY TABLE book_stage ({', '.join(columns)}) ON COMMIT DROP"
        )

    def copy(self, rows) -> None:
        """COPY `rows` ([index, *values]) in as they come: the caller's generator validates
        the next row while PostgreSQL stores the last."""
        names = ", ".join(["idx", *(_q(n) for n in self.spec.names)])
        with self.cursor.cursor.copy(f"COPY book_stage ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def tune(self, rows: int) -> None:
        if rows > _BIG:
            self.cursor.execute("SET LOCAL work_mem = '256MB'")

    def lock(self) -> None:
        """One writer per kind at a time (the API and an import of the same kind queue)."""
        self.cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"book:{self.spec.kind}"]
        )

    # ---- checking ----------------------------------------------------------------------

    def resolve(self, rows: int) -> None:
        spec, key = self.spec, self.key
        joins = [
            f"LEFT JOIN {self.table} e ON e.external_id = s.external_id",
            f"LEFT JOIN {self.table} n ON n.{key} = s.{key}",
        ]
        selects = ["s.*"]
        new = [f"s.{_q(c)}" for c in self.plain]
        for i, ref in enumerate(spec.references):
            joins.append(
                f"LEFT JOIN {_q(ref.model._meta.db_table)} r{i} "
                f"ON r{i}.external_id = s.{_q(ref.name)}"
            )
            selects.append(f"r{i}.id AS {_q(ref.column)}")
            new.append(f"r{i}.id")
        old = [f"e.{_q(c)}" for c in self.written]
        selects += [
            # An unclaimed desk record with the same key is claimed (its external id set).
            "CASE WHEN e.id IS NOT NULL THEN e.id WHEN n.external_id IS NULL THEN n.id "
            "END AS target_id",
            "n.id AS key_owner_id",
            "n.external_id AS key_owner_external_id",
            f"e.id IS NULL OR ({', '.join(old)}) IS DISTINCT FROM ({', '.join(new)}) AS changed",
            "coalesce(de.first, s.idx) AS first_external_id",
            "coalesce(dk.first, s.idx) AS first_key",
        ]
        # Duplicates by hash aggregates over two narrow columns (a window over the whole
        # row would sort it twice, a million wide rows spilling to disk).
        for alias, column in (("de", "external_id"), ("dk", key)):
            joins.append(
                f"LEFT JOIN (SELECT {column}, min(idx) AS first FROM book_stage "
                f"GROUP BY {column} HAVING count(*) > 1) {alias} "
                f"ON {alias}.{column} = s.{column}"
            )
        if spec.kind == "contracts":
            selects.append(
                "CASE WHEN e.id IS NOT NULL THEN e.status WHEN n.external_id IS NULL "
                "THEN n.status END AS old_status"
            )
        self.cursor.execute(
            "CREATE TEMPORARY TABLE book_resolved ON COMMIT DROP AS "
            f"SELECT {', '.join(selects)} FROM book_stage s {' '.join(joins)}"
        )
        if rows > _BIG:
            self.cursor.execute("ANALYZE book_resolved")

    def _bad(self) -> str:
        """The SQL condition of a row refused by the database checks."""
        conditions = [
            "idx <> first_external_id",
            "idx <> first_key",
            "(key_owner_id IS NOT NULL AND key_owner_id IS DISTINCT FROM target_id)",
            *(f"{_q(ref.column)} IS NULL" for ref in self.spec.references),
        ]
        return " OR ".join(conditions)

    def errors(self, sink: ErrorSink) -> None:
        spec = self.spec
        refs = spec.references
        ref_columns = "".join(f", {_q(ref.column)} IS NULL, {_q(ref.name)}" for ref in refs)
        self.cursor.execute(
            f"SELECT idx, external_id, {self.key}, idx <> first_external_id, idx <> first_key, "
            "key_owner_id IS NOT NULL AND key_owner_id IS DISTINCT FROM target_id, "
            f"key_owner_external_id{ref_columns} "
            f"FROM book_resolved WHERE {self._bad()} ORDER BY idx"
        )
        thing = str(spec.model._meta.verbose_name)
        while batch := self.cursor.fetchmany(2_000):
            for idx, external_id, key, dup_id, dup_key, taken, owner, *ref_flags in batch:
                if dup_id:
                    message = _("This external id appears earlier in the batch.")
                    sink.add(idx, external_id, "external_id", "duplicate", message)
                if dup_key:
                    message = _("“%(value)s” appears earlier in the batch.") % {"value": key}
                    sink.add(idx, external_id, spec.key, "duplicate", message)
                if taken:
                    if owner:
                        message = _(
                            "“%(value)s” belongs to another %(thing)s (external id %(other)s)."
                        ) % {"value": key, "thing": thing, "other": owner}
                    else:
                        message = _(
                            "“%(value)s” belongs to another %(thing)s, one made in the desk."
                        ) % {"value": key, "thing": thing}
                    sink.add(idx, external_id, spec.key, "taken", message)
                for ref, missing, value in zip(refs, ref_flags[::2], ref_flags[1::2], strict=True):
                    if missing:
                        message = _(
                            "No %(thing)s has the external id “%(value)s”: import it first."
                        ) % {"thing": ref.model._meta.verbose_name, "value": value}
                        sink.add(idx, external_id, ref.name, "unknown_reference", message)

    def preview(self) -> tuple[int, int]:
        """(created, updated) the rows that passed would make."""
        self.cursor.execute(
            "SELECT count(*) FILTER (WHERE target_id IS NULL), "
            "count(*) FILTER (WHERE target_id IS NOT NULL AND changed) "
            f"FROM book_resolved WHERE NOT ({self._bad()})"
        )
        created, updated = self.cursor.fetchone()
        return created, updated

    # ---- writing -----------------------------------------------------------------------

    def ended_ids(self) -> list[int]:
        """Existing contracts this batch moves from open (active, suspended) to closed."""
        if self.spec.kind != "contracts":
            return []
        self.cursor.execute(
            "SELECT target_id FROM book_resolved WHERE old_status = ANY(%s) "
            "AND status = ANY(%s) ORDER BY target_id",
            [list(_OPEN), list(_CLOSED)],
        )
        return [pk for (pk,) in self.cursor.fetchall()]

    def _defaults(self) -> tuple[list[str], list[str], list]:
        """Columns the book does not carry, with their defaults for a new record."""
        columns, values, params = [], [], []
        for f in self.spec.model._meta.concrete_fields:
            if f.primary_key or f.column in self.written or f.name == "updated_at":
                continue
            if not f.has_default():
                if f.null or f.has_db_default():
                    continue
                raise ValueError(f"{f} has no default: the book must carry it")
            columns.append(_q(f.column))
            values.append(f"%s::{f.db_type(connection)}")
            params.append(f.get_default())
        return columns, values, params

    def write(self) -> tuple[int, int]:
        """Update what changed, insert what is new: (created, updated). `updated_at` is set
        here (it is `auto_now`, which only the ORM applies) to the statement's start: one
        time for the whole write, later than any write before it in the transaction."""
        written = [_q(c) for c in self.written]
        now = "statement_timestamp()"
        targets = ", ".join(f"t.{c}" for c in written)
        self.cursor.execute(
            f"UPDATE {self.table} t SET {', '.join(f'{c} = r.{c}' for c in written)}, "
            f"updated_at = {now} FROM book_resolved r "
            "WHERE r.target_id IS NOT NULL AND r.changed AND t.id = r.target_id "
            f"AND ({targets}) IS DISTINCT FROM ({', '.join(f'r.{c}' for c in written)})"
        )
        updated = self.cursor.rowcount
        columns, values, params = self._defaults()
        self.cursor.execute(
            f"WITH inserted AS (INSERT INTO {self.table} AS t "
            f"({', '.join([*written, *columns, 'updated_at'])}) "
            f"SELECT {', '.join([*(f'r.{c}' for c in written), *values, now])} "
            "FROM book_resolved r WHERE r.target_id IS NULL "
            "ON CONFLICT (external_id) DO UPDATE SET "
            f"{', '.join(f'{c} = EXCLUDED.{c}' for c in written)}, updated_at = {now} "
            f"WHERE ({targets}) IS DISTINCT FROM ({', '.join(f'EXCLUDED.{c}' for c in written)}) "
            "RETURNING xmax = 0 AS fresh) "
            "SELECT count(*) FILTER (WHERE fresh), count(*) FILTER (WHERE NOT fresh) "
            "FROM inserted",
            params,
        )
        created, also_updated = self.cursor.fetchone()
        return created, updated + also_updated

    def drop(self) -> None:
        self.cursor.execute("DROP TABLE IF EXISTS book_resolved; DROP TABLE IF EXISTS book_stage")

    def close(self) -> None:
        self.cursor.close()
