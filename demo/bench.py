"""Benchmarks for `make bench`: each measures one speed promise at scale and returns figures.

Benchmarks never run in `make test`. They run against a database of their own
(`retention_bench`, recreated by `scripts/stack.py bench`), so a run never touches demo data.
Later features add their own functions to BENCHMARKS.
"""

import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cancellations.choices import PresentationAnswer
from cancellations.models import OfferPresentation
from cancellations.offer_engine.ranking import offer_answers_for_reason
from cancellations.services.closing import cancellation_withdraw
from cancellations.services.opening import cancellation_identify_reason, cancellation_open
from catalog.models import Reason
from claims.services.opening import claim_open
from core.updates import updates_bump
from customers.models import Contract, Customer
from demo.bench_book import bench_book
from demo.bench_webhooks import bench_webhooks
from demo.book import demo_seed
from demo.history.seed import history_seed
from reporting.analytics.tables import TABS
from reporting.services.facts import FACTS_KEY, facts_refresh
from winback.services.winback import win_back_consider

Figure = tuple[str, float, str]


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def bench_seed(*, customers: int) -> list[Figure]:
    elapsed = _timed(lambda: demo_seed(customers=customers, today=timezone.localdate()))
    again = _timed(lambda: demo_seed(customers=customers, today=timezone.localdate()))
    contracts = Contract.objects.count()
    return [
        ("seed: customers", customers, "rows"),
        ("seed: contracts", contracts, "rows"),
        ("seed: time", elapsed, "s"),
        ("seed: rate", customers / elapsed if elapsed else 0, "customers/s"),
        ("seed: second run (idempotent, adds nothing)", again, "s"),
    ]


def _lookup_ms(queries: list[Callable[[], object]]) -> tuple[float, float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        query()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def bench_lookups(*, samples: int = 500) -> list[Figure]:
    """Live-call lookups by phone, name prefix and contract number (ORM round trip, ms)."""
    rng = random.Random(7)
    count = Customer.objects.count()
    if not count:
        return []
    ids = [rng.randint(1, count) for _ in range(samples)]
    sample = list(
        Customer.objects.filter(customer_no__in=[f"C{i:08d}" for i in ids]).values_list(
            "phone", "name"
        )
    )
    numbers = list(Contract.objects.order_by("?").values_list("number", flat=True)[:samples])
    figures = []
    for label, queries in [
        (
            "lookup by phone",
            [lambda p=p: list(Customer.objects.filter(phone=p)) for p, _ in sample],
        ),
        (
            "lookup by name prefix (first 20)",
            [
                lambda n=n: list(Customer.objects.filter(name__startswith=n[:2])[:20])
                for _, n in sample
            ],
        ),
        (
            "lookup by contract number",
            [lambda n=n: list(Contract.objects.filter(number=n)) for n in numbers],
        ),
    ]:
        median, p95 = _lookup_ms(queries)
        figures += [(f"{label}: median", median, "ms"), (f"{label}: p95", p95, "ms")]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN SELECT * FROM customers_customer WHERE phone = %s", [sample[0][0]])
        plan = " ".join(row[0] for row in cursor.fetchall())
    figures.append(("lookup by phone uses an index (1 = yes)", float("Index" in plan), ""))
    return figures


def bench_console(*, samples: int = 50) -> list[Figure]:
    """Server time of the live-call and supervising screens at scale (Django test client,
    in-process, DEBUG off as in production), beside a bare view through the same middleware
    and session (its baseline, in the same run), and each page's share of the bare view's
    rate. Query counts are taken in one more request each."""

    agent = User.objects.get(username="agent")
    supervisor = User.objects.get(username="supervisor")
    contract = Contract.objects.filter(status="active", cancellation_requests=None).first()
    request = cancellation_open(contract_id=contract.pk, user=agent)
    request = cancellation_identify_reason(
        request_id=request.pk, user=agent, reason_id=Reason.objects.get(code="fee_burden").pk
    )
    claim = claim_open(customer_id=contract.customer_id, user=agent, subject="Bench: noise")
    as_agent, as_supervisor = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    as_agent.force_login(agent, backend="accounts.backends.KeptModelBackend")
    as_supervisor.force_login(supervisor, backend="accounts.backends.KeptModelBackend")
    pages = [
        ("bare view (/favicon.ico, signed in)", as_agent, "/favicon.ico", {}),
        ("console page (offers ranked)", as_agent, reverse("console", args=[request.pk]), {}),
        (
            "search by phone (htmx partial)",
            as_agent,
            reverse("search"),
            {"q": contract.customer.phone},
        ),
        ("customer view", as_agent, reverse("customer", args=[contract.customer_id]), {}),
        ("claim console", as_agent, reverse("claim_console", args=[claim.pk]), {}),
        ("supervisor queue", as_supervisor, reverse("approvals"), {}),
        ("floor", as_supervisor, reverse("floor"), {}),
    ]
    figures, bare = [], 0.0
    for label, client, url, params in pages:
        client.get(url, params, HTTP_HX_REQUEST="true")  # what is kept per version, loaded
        timings = []
        with override_settings(DEBUG=False):
            for _ in range(samples):
                started = time.perf_counter()
                client.get(url, params, HTTP_HX_REQUEST="true")
                timings.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, params, HTTP_HX_REQUEST="true")
        median = statistics.median(timings)
        bare = bare or median
        figures += [
            (f"{label}: median", median, "ms"),
            (f"{label}: queries", len(queries), ""),
            (f"{label}: rate, % of the bare view's", 100 * bare / median, "%"),
        ]
    figures += _saved_before(request.reason_id, samples)
    cancellation_withdraw(request_id=request.pk, user=agent)
    return figures


def _saved_before(reason_id: int, samples: int) -> list[Figure]:
    """The ranking's "saved before" counts read from the answer tally, beside the count over
    every past presentation the console used to make (its baseline, in the same run)."""
    counted = (
        OfferPresentation.objects.filter(
            reason_id=reason_id,
            answer__in=[PresentationAnswer.ACCEPTED, PresentationAnswer.DECLINED],
        )
        .order_by()
        .values_list("offer_id")
        .annotate(
            accepted=Count("offer_id", filter=Q(answer=PresentationAnswer.ACCEPTED)),
            answered=Count("offer_id"),
        )
    )
    figures = []
    for label, read in (
        ("saved before: counted over the presentations", lambda: list(counted.all())),
        (
            "saved before: read from the answer tally",
            lambda: list(offer_answers_for_reason(reason_id)),
        ),
    ):
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            read()
            timings.append((time.perf_counter() - started) * 1000)
        figures.append((f"{label}: median", statistics.median(timings), "ms"))
    return figures


def bench_win_back(*, departed: int = 100_000) -> list[Figure]:
    """Segment and schedule `departed` departed customers (set-based), as the daily job."""

    long_ago = timezone.localdate() - timedelta(days=90)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_contract SET status = 'cancelled', cancelled_on = %s "
            "WHERE id IN (SELECT id FROM customers_contract WHERE status <> 'cancelled' "
            "AND start_date < %s ORDER BY id LIMIT %s)",
            [long_ago, long_ago, departed],
        )
    total = Contract.objects.filter(status="cancelled").count()
    started = time.perf_counter()
    result = win_back_consider()
    elapsed = time.perf_counter() - started
    again = _timed(win_back_consider)
    return [
        ("win-back: departed contracts considered", result["considered"], "rows"),
        ("win-back: cancelled contracts in the book", total, "rows"),
        ("win-back: calls planned (top + middle)", result["calls"], "rows"),
        ("win-back: segment and schedule", elapsed, "s"),
        ("win-back: second run (considers nothing twice)", again, "s"),
    ]


def bench_dashboards(
    *, requests: int = 1_000_000, claims: int = 300_000, samples: int = 5
) -> list[Figure]:
    """Seed `requests` closed cancellation requests and `claims` closed claims over two
    years (with offers, audit trail, surveys, win-back outcomes), build the reporting facts,
    then time every dashboard tab as a supervisor sees it (server time, template included):
    the first view after a refresh (computed), and a repeat view (from the cache)."""

    started = time.perf_counter()
    seeded = history_seed(
        requests=requests, claims=claims, today=timezone.localdate(), days=730, seed=5
    )
    seed_seconds = time.perf_counter() - started
    figures = [
        ("dashboards: closed requests seeded", seeded.requests, "rows"),
        ("dashboards: closed claims seeded", seeded.claims, "rows"),
        ("dashboards: seed + full facts build", seed_seconds, "s"),
        *(
            (f"dashboards: seed phase {name}", seconds, "s")
            for name, seconds in seeded.seconds.items()
        ),
        ("dashboards: facts refresh with nothing new", _timed(facts_refresh), "s"),
    ]
    with connection.cursor() as cursor:  # what autovacuum does after a big load
        cursor.execute("VACUUM ANALYZE reporting_requestfact")
        cursor.execute("VACUUM ANALYZE reporting_claimfact")
    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    year_ago = (timezone.localdate() - timedelta(days=365)).isoformat()

    def view(url: str) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(queries)

    for period, query in (("90 days", ""), ("1 year", f"&from={year_ago}")):
        worst = worst_repeat = 0.0
        for tab in TABS:
            url = f"/desk/dashboards/?tab={tab}{query}"
            client.get(url, HTTP_HOST="localhost")  # warm the caches once
            firsts, repeats = [], []
            for _ in range(samples):
                updates_bump([FACTS_KEY])  # as every refresh does: the next view computes
                firsts.append(view(url))
                repeats.append(view(url))
            median = statistics.median(ms for ms, _n in firsts)
            repeat = statistics.median(ms for ms, _n in repeats)
            worst, worst_repeat = max(worst, median), max(worst_repeat, repeat)
            figures += [
                (f"dashboard {tab} ({period}): median", median, "ms"),
                (f"dashboard {tab} ({period}): queries", firsts[-1][1], ""),
                (f"dashboard {tab} ({period}): repeat view (cached)", repeat, "ms"),
                (f"dashboard {tab} ({period}): repeat view queries", repeats[-1][1], ""),
            ]
        figures.append((f"dashboards ({period}): slowest tab", worst, "ms"))
        figures.append((f"dashboards ({period}): slowest repeat view", worst_repeat, "ms"))
    figures += _bench_request_export(client)
    # The pages supervisors keep open (they poll every 2 and 5 s) over the same big book.
    for label, url in (("supervisor queue", "/desk/approvals/"), ("floor", "/desk/floor/")):
        client.get(url, HTTP_HOST="localhost")
        timings = []
        for _ in range(samples * 4):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, HTTP_HOST="localhost")
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        figures.append((f"{label} page: median", statistics.median(timings), "ms"))
        figures.append((f"{label} page: queries", len(queries), ""))
    return figures


def _bench_request_export(client) -> list[Figure]:
    """Every closed request of two years as CSV, streamed: the rows and the time, then the
    same again under tracemalloc for the most memory Python held at once meanwhile (a
    million rows must never be held at once)."""

    url = f"/desk/dashboards/requests.csv?from={timezone.localdate() - timedelta(days=730)}"

    def stream() -> int:
        response = client.get(url, HTTP_HOST="localhost")
        return sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1

    started = time.perf_counter()
    rows = stream()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        stream()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return [
        ("requests.csv over two years: rows", rows, "rows"),
        ("requests.csv over two years: time", elapsed, "s"),
        ("requests.csv over two years: most memory held", peak / 2**20, "MB"),
    ]


def explain_phone_lookup() -> str:
    """EXPLAIN ANALYZE of the live-call phone lookup, for the report and the docs."""
    phone = Customer.objects.values_list("phone", flat=True).order_by("pk").first() or ""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT * FROM customers_customer WHERE phone = %s OR alt_phone = %s",
            [phone, phone],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


BENCHMARKS: list[Callable[..., list[Figure]]] = [
    bench_seed,
    bench_lookups,
    bench_console,
    bench_win_back,
    bench_dashboards,
    bench_book,
    bench_webhooks,
]
