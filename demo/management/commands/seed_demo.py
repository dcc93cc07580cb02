import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.book import demo_seed
from demo.history.seed import history_default_sizes, history_seed
from demo.work import demo_work_seed


def _count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CommandError(f"--customers must be a whole number, not {value!r}.") from None
    if number < 0:
        raise CommandError(f"--customers must be zero or more, not {number}.")
    return number


class Command(BaseCommand):
    help = (
        "Load demo data (users, products, customers, contracts, months of closed calls). "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--customers", default="500", help="How many customers (default 500).")

    def handle(self, *args, **options):
        customers = _count(options["customers"])
        started = time.perf_counter()
        today = timezone.localdate()
        result = demo_seed(customers=customers, today=today)
        requests, claims = history_default_sizes(customers)
        history = history_seed(requests=requests, claims=claims, today=today)
        waiting = demo_work_seed(today=today)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {customers} customers in {elapsed:.1f}s: "
                f"{result.customers_created} customers and "
                f"{result.contracts_created} contracts new; history: {history.requests} "
                f"closed requests, {history.claims} claims, {history.surveys} surveys new; "
                f"{waiting} calls waiting for the demo users."
            )
        )
