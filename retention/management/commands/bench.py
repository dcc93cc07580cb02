import platform
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retention.bench import (
    bench_console,
    bench_lookups,
    bench_seed,
    bench_win_back,
    explain_phone_lookup,
)


class Command(BaseCommand):
    help = "Run the benchmarks at scale and print each figure (use `make bench`)."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=100_000)
        default_report = settings.BASE_DIR / "docs" / "bench-report.txt"
        parser.add_argument("--report", default=str(default_report))

    def handle(self, *args, customers: int, report: str, **options):
        if customers < 1:
            raise CommandError("--customers must be at least 1.")
        lines = [
            f"Retention Desk benchmarks, {timezone.now():%Y-%m-%d %H:%M %Z}",
            f"machine: {platform.machine()}, python {platform.python_version()}",
            "",
        ]
        self.stdout.write("\n".join(lines))
        for figures in (
            bench_seed(customers=customers),
            bench_lookups(),
            bench_console(),
        ):
            for label, value, unit in figures:
                line = f"{label:<48} {value:>12,.2f} {unit}"
                lines.append(line)
                self.stdout.write(line)
        plan = explain_phone_lookup()
        for label, value, unit in bench_win_back(departed=customers):
            line = f"{label:<48} {value:>12,.2f} {unit}"
            lines.append(line)
            self.stdout.write(line)
        lines += ["", "phone lookup plan:", plan]
        self.stdout.write("\nphone lookup plan:\n" + plan)
        Path(report).parent.mkdir(parents=True, exist_ok=True)
        Path(report).write_text("\n".join(lines) + "\n")
        self.stdout.write(self.style.SUCCESS(f"report written to {report}"))
