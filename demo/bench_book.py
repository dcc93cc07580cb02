"""The book sync at scale (`make bench`): a company's book of a million contracts, with the
customers and products they reference, imported from CSV the way `manage.py book_import`
does, then again unchanged, then with a tenth of it changed; and an API-sized batch.

The baseline, in the same run, is a plain COPY of the same contracts file into a bare table
with no index, no constraint and no validation: what PostgreSQL alone needs to read it.
"""

import csv
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.services.book import book_sync_csv
from customers.choices import ContractStatus, ProductCategory, Region
from customers.services.book import book_fields, book_upsert
from demo.book import GIVEN, REGION_CITIES, STREETS, SURNAMES

Figure = tuple[str, float, str]
PRODUCTS = 20
_CATEGORIES = list(ProductCategory.values)
_REGIONS = list(Region.values)


def _products() -> Iterator[list]:
    for i in range(PRODUCTS):
        minimum = random.Random(i).choice([12, 24, 36])
        yield [
            f"BP{i:03d}",
            f"BK-{i:03d}",
            f"렌탈 상품 {i}",
            f"Rental product {i}",
            _CATEGORIES[i % len(_CATEGORIES)],
            19_900 + 1_000 * i,
            minimum,
            minimum + 24,
            30,
            100_000,
            50_000,
            "true",
            9_900,
            "true",
            "true",
            3,
            "true",
        ]


def _customers(count: int) -> Iterator[list]:
    rng = random.Random(3)
    for i in range(count):
        region = rng.choice(_REGIONS)
        city, districts = REGION_CITIES[region]
        phone = f"{rng.randrange(100_000_000):08d}"
        yield [
            f"BC{i:08d}",
            f"B{i:08d}",
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            f"010-{phone[:4]}-{phone[4:]}",
            "",
            f"book{i}@example.kr" if i % 3 else "",
            region,
            f"{city} {rng.choice(districts)} {rng.choice(STREETS)} {rng.randint(1, 300)}",
            "standard" if i % 10 else "gold",
            "ko",
            "false",
            "true" if i % 2 else "false",
        ]


def _contracts(count: int, customers: int, *, fee_change: int = 0) -> Iterator[list]:
    rng = random.Random(5)
    today = timezone.localdate()
    for i in range(count):
        start = today - timedelta(days=rng.randint(15, 1800))
        status, cancelled_on = ContractStatus.ACTIVE.value, ""
        roll = rng.random()
        if roll < 0.08:
            status, cancelled_on = ContractStatus.CANCELLED.value, str(start + timedelta(days=10))
        elif roll < 0.12:
            status = ContractStatus.ENDED.value
        yield [
            f"BK{i:09d}",
            f"BN{i:09d}",
            f"BC{i % customers:08d}",
            f"BP{rng.randrange(PRODUCTS):03d}",
            str(start),
            rng.choice([36, 60]),
            29_900 + 1_000 * rng.randrange(20) + fee_change,
            0,
            status,
            cancelled_on,
        ]


def _write(path: Path, header: tuple[str, ...], rows: Iterator[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _import(kind: str, path: Path) -> tuple[float, object]:
    started = time.perf_counter()
    with path.open("rb") as file:
        result = book_sync_csv(kind=kind, file=file, max_errors=10, source="bench")
    elapsed = time.perf_counter() - started
    assert result.written, (kind, result.errors)
    return elapsed, result


def _baseline(path: Path) -> float:
    """A plain COPY of the file into a bare table: no index, constraint or validation."""
    columns = ", ".join(f"c{i} text" for i in range(len(book_fields("contracts"))))
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE book_baseline ({columns}) ON COMMIT DROP")
        statement = "COPY book_baseline FROM STDIN (FORMAT csv, HEADER true)"
        with cursor.cursor.copy(statement) as copy, path.open("rb") as file:
            while chunk := file.read(1 << 20):
                copy.write(chunk)
    return time.perf_counter() - started


def _api_rows(count: int) -> list[dict]:
    """An API bulk request's rows, as JSON arrives: numbers as numbers."""
    names = book_fields("contracts")
    rows = []
    for row in _contracts(count, PRODUCTS):
        record = dict(zip(names, row, strict=True))
        record["external_id"] = "BA" + record["external_id"][2:]
        record["number"] = "BX" + record["number"][2:]
        rows.append(record)
    return rows


def _api_batch_ms(rows: list[dict]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = book_upsert(kind="contracts", rows=rows)
        elapsed = (time.perf_counter() - started) * 1000
    assert result.written, result.errors
    return elapsed, len(queries)


def bench_book(*, contracts: int = 1_000_000, changed: int = 100_000) -> list[Figure]:
    customers = max(contracts // 2, 1)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="book-bench-") as folder:
        started = time.perf_counter()
        products_csv = _write(Path(folder, "p.csv"), book_fields("products"), _products())
        customers_csv = _write(
            Path(folder, "cu.csv"), book_fields("customers"), _customers(customers)
        )
        contracts_csv = _write(
            Path(folder, "co.csv"), book_fields("contracts"), _contracts(contracts, customers)
        )
        changed_csv = _write(
            Path(folder, "ch.csv"),
            book_fields("contracts"),
            _contracts(min(changed, contracts), customers, fee_change=1_000),
        )
        figures.append(("book: CSV files written", time.perf_counter() - started, "s"))
        size = contracts_csv.stat().st_size / 2**20
        figures.append(("book: contracts.csv size", size, "MB"))
        baseline = _baseline(contracts_csv)
        figures += [
            ("book: baseline, plain COPY of contracts.csv", baseline, "s"),
            ("book: baseline rate", contracts / baseline, "rows/s"),
        ]
        for kind, path, rows in (
            ("products", products_csv, PRODUCTS),
            ("customers", customers_csv, customers),
            ("contracts", contracts_csv, contracts),
        ):
            elapsed, _result = _import(kind, path)
            figures += [
                (f"book: {kind} imported ({rows:,} new)", elapsed, "s"),
                (f"book: {kind} rate", rows / elapsed, "rows/s"),
            ]
        elapsed, result = _import("contracts", contracts_csv)
        assert result.created == result.updated == 0, result
        figures += [
            ("book: contracts again, all unchanged", elapsed, "s"),
            ("book: contracts again, rate", contracts / elapsed, "rows/s"),
        ]
        elapsed, result = _import("contracts", changed_csv)
        assert result.updated == min(changed, contracts), result
        figures += [
            (f"book: {result.updated:,} contracts changed (history kept)", elapsed, "s"),
            ("book: changed rate", result.updated / elapsed, "rows/s"),
        ]
    rows = _api_rows(1_000)
    for label in ("new", "unchanged"):
        elapsed, queries = _api_batch_ms(rows)
        figures += [
            (f"book: API batch of 1,000 contracts ({label})", elapsed, "ms"),
            (f"book: API batch ({label}) queries", queries, ""),
        ]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.append(("book: most memory the process held (max RSS)", peak, "MB"))
    return figures
