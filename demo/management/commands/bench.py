import platform
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.bench import (
    bench_book,
    bench_console,
    bench_dashboards,
    bench_lookups,
    bench_seed,
    bench_webhooks,
    bench_win_back,
    explain_phone_lookup,
)
from demo.bench_api import bench_api


class Command(BaseCommand):
    help = "Run the benchmarks at scale and print each figure (use `make bench`)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=1_000_000)
        parser.add_argument("--claims", type=int, default=300_000)
        parser.add_argument(
            "--only",
            choices=["dashboards", "console", "book", "webhooks", "api"],
            help="dashboards / console: seed the demo book and its history, then run only "
            "this one; book: only the "
            "book sync (its own data); webhooks: only the webhook delivery.",
        )
        parser.add_argument("--book-contracts", type=int, default=1_000_000)
        default_report = settings.BASE_DIR / "docs" / "bench-report.txt"
        parser.add_argument("--report", default=str(default_report))

    def handle(
        self,
        *args,
        customers: int,
        report: str,
        requests: int,
        claims: int,
        book_contracts: int,
        **options,
    ):
        if customers < 1:
            raise CommandError("--customers must be at least 1.")
        lines = [
            f"Retention Desk benchmarks, {timezone.now():%Y-%m-%d %H:%M %Z}",
            f"machine: {platform.machine()}, python {platform.python_version()}",
            "",
        ]
        self.stdout.write("\n".join(lines))
        runs = [
            lambda: bench_seed(customers=customers),
            lambda: bench_dashboards(requests=requests, claims=claims),
            bench_lookups,
            bench_console,
        ]
        if options.get("only") == "dashboards":
            runs = runs[:2]
        if options.get("only") == "console":
            runs = [runs[0], runs[1], bench_console]
        if options.get("only") == "book":
            runs = [lambda: bench_book(contracts=book_contracts)]
        if options.get("only") == "webhooks":
            runs = [bench_webhooks]
        if options.get("only") == "api":
            runs = [lambda: bench_seed(customers=1000), bench_api]
        for run in runs:
            for label, value, unit in run():
                line = f"{label:<48} {value:>12,.2f} {unit}"
                lines.append(line)
                self.stdout.write(line)
        if options.get("only"):
            Path(report).write_text("\n".join(lines) + "\n")
            return
        plan = explain_phone_lookup()
        for label, value, unit in bench_win_back(departed=customers):
            line = f"{label:<48} {value:>12,.2f} {unit}"
            lines.append(line)
            self.stdout.write(line)
        for label, value, unit in [*bench_webhooks(), *bench_api()]:
            line = f"{label:<48} {value:>12,.2f} {unit}"
            lines.append(line)
            self.stdout.write(line)
        # Last: its million contracts (8% cancelled) would change what win-back considers.
        for label, value, unit in bench_book(contracts=book_contracts):
            line = f"{label:<48} {value:>12,.2f} {unit}"
            lines.append(line)
            self.stdout.write(line)
        lines += ["", "phone lookup plan:", plan]
        self.stdout.write("\nphone lookup plan:\n" + plan)
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_text("\n".join(lines) + "\n")
        self.stdout.write(self.style.SUCCESS(f"report written to {report}"))
