from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from api.services.book import CSV_ENCODINGS, book_sync_csv
from core.errors import ServiceError
from customers.services.book import BOOK_KINDS


class Command(BaseCommand):
    help = (
        "Import the company's book (products, customers or contracts) from a CSV file: every "
        "row checked, all rows written or none. Prints the counts and every bad row; exits "
        "with 1 when a row is bad (or the file cannot be read)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=BOOK_KINDS)
        parser.add_argument("file", help="The CSV file; its first line names the columns.")
        parser.add_argument("--dry-run", action="store_true", help="Check only, write nothing.")
        parser.add_argument("--encoding", choices=CSV_ENCODINGS, default=CSV_ENCODINGS[0])
        parser.add_argument(
            "--reason",
            default="",
            help="The note on cancellation requests withdrawn because billing closed "
            "their contract.",
        )

    def handle(self, *args, kind: str, file: str, dry_run: bool, encoding: str, reason: str, **_):
        path = Path(file)
        try:
            with path.open("rb") as stream:
                result = book_sync_csv(
                    kind=kind,
                    file=stream,
                    dry_run=dry_run,
                    reason=reason,
                    encoding=encoding,
                    source="command",
                    file_name=path.name,
                )
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror or error}") from None
        except ServiceError as refused:
            raise CommandError(f"{path}: {refused.message}") from None
        verb = "would be" if not result.written else "were"
        self.stdout.write(
            f"{kind}: {result.rows:,} rows; {result.created:,} {verb} created, "
            f"{result.updated:,} {verb} updated, {result.unchanged:,} unchanged"
        )
        if result.written and kind == "contracts":
            self.stdout.write(
                f"{len(result.ended_contract_ids):,} contracts closed by billing; "
                f"{result.requests_withdrawn:,} cancellation requests withdrawn"
            )
        for error in result.errors:
            # Line: as a spreadsheet numbers it (the header is line 1).
            self.stdout.write(
                f"line {error.row + 2} (row {error.row}) {error.external_id or '-'}: "
                f"{error.field or '(row)'}: {error.message} [{error.code}]"
            )
        if result.error_count:
            raise CommandError(
                f"{result.bad_rows:,} of {result.rows:,} rows have errors "
                f"({result.error_count:,} errors): nothing was written.",
                returncode=1,
            )
        if dry_run:
            self.stdout.write(self.style.SUCCESS("Dry run: every row passes; nothing written."))
        else:
            self.stdout.write(self.style.SUCCESS("Imported."))
