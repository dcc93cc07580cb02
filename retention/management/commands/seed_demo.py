import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from retention.demo import demo_seed


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--customers must be a whole number, not {value!r}.") from None
    if number < 0:
        raise CommandError(f"--customers must be zero or more, not {number}.")
    return number


class Command(BaseCommand):
    help = "Load demo data (users, products, customers, contracts). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--customers", default="500", help="How many customers (default 500).")

    def handle(self, *args, **options):
        customers = _count(options["customers"])
        started = time.perf_counter()
        result = demo_seed(customers=customers, today=timezone.localdate())
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {customers} customers in {elapsed:.1f}s: "
                f"{result.customers_created} customers and "
                f"{result.contracts_created} contracts new."
            )
        )
