"""The API's bulk upsert through HTTP (`make bench`): 1,000 contracts in one
`POST /api/v1/contracts/bulk`, new then unchanged, server time through the whole stack
(key, limit, JSON, validation, the set-based write, the audit), against the same rows given
straight to the book service in the same run (the baseline: what the API adds)."""

import json
import statistics
import time
from datetime import date

from django.db import transaction
from django.test import Client

from accounts.models import User
from api.services.keys import api_key_create
from customers.models import Contract, Customer, Product
from customers.services.book import book_upsert

Figure = tuple[str, float, str]
ROWS = 1_000


class _Undo(Exception):
    pass


def _rows(round_: int, customer: Customer, product: Product) -> list[dict]:
    return [
        {
            "external_id": f"BENCH-API-{round_}-{i}",
            "number": f"BA{round_:02d}{i:06d}",
            "customer_external_id": customer.external_id,
            "product_external_id": product.external_id,
            "start_date": date(2025, 1, 1).isoformat(),
            "term_months": 36,
            "monthly_fee": product.monthly_fee,
        }
        for i in range(ROWS)
    ]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench_api(*, rounds: int = 5) -> list[Figure]:
    product = Product.objects.order_by("pk").first()
    customer = Customer.objects.order_by("pk").first()
    if product is None or customer is None:
        return []
    Product.objects.filter(pk=product.pk, external_id__isnull=True).update(
        external_id=f"BENCH-P-{product.pk}"
    )
    Customer.objects.filter(pk=customer.pk, external_id__isnull=True).update(
        external_id=f"BENCH-C-{customer.pk}"
    )
    product.refresh_from_db()
    customer.refresh_from_db()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.first()
    secret = api_key_create(
        user=admin, name="bench", scopes=["book:write"], rate_limit_per_minute=100_000
    ).plaintext
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    service, new, unchanged = [], [], []
    for round_ in range(rounds):
        rows = _rows(round_, customer, product)
        started = time.perf_counter()
        try:
            with transaction.atomic():
                book_upsert(kind="contracts", rows=rows)
                service.append(time.perf_counter() - started)
                raise _Undo
        except _Undo:
            pass
        body = json.dumps({"items": rows})
        for samples in (new, unchanged):
            started = time.perf_counter()
            response = client.post("/api/v1/contracts/bulk", body, content_type="application/json")
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:500]
    Contract.objects.filter(external_id__startswith="BENCH-API-").delete()
    return [
        ("API bulk: book service alone (baseline), 1,000 rows", _median_ms(service), "ms"),
        ("API bulk: POST /contracts/bulk, 1,000 new", _median_ms(new), "ms"),
        ("API bulk: POST /contracts/bulk, 1,000 unchanged", _median_ms(unchanged), "ms"),
    ]
