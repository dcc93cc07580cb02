"""Webhook throughput: events delivered per second to a local receiver through the outbox
(claim the row, sign, POST, record the answer, each in its own committed transaction), by
one worker and by four at once, against plain unsigned httpx POSTs of the same body to
the same receiver in the same run (the most the receiver and the network stack allow).

The deliveries are sent in this process as the Celery task does it (`delivery_attempt`),
without the broker, so the run leaves no message behind; the events have no ordering key,
so each attempt is independent and nothing is enqueued on the way."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from django.db import connection, transaction
from django.utils import timezone

from webhooks.choices import DeliveryStatus, EventType
from webhooks.models import Delivery, Endpoint
from webhooks.services.delivery import delivery_attempt
from webhooks.services.endpoints import endpoint_create, endpoint_disable
from webhooks.services.events import event_emit

Figure = tuple[str, float, str]


class _Receiver(BaseHTTPRequestHandler):
    """Reads the body and answers 204, keeping the connection open (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _payload(n: int) -> dict:
    """About the size of a real `contract.amended`."""
    return {
        "amendment": {"id": n, "kind": "fee_adjustment", "effective_date": "2026-01-01"},
        "applied": {"monthly_fee": {"before": 30000, "after": 27000}},
        "contract": {"id": n, "number": f"RT{n:08d}", "external_id": None, "term_months": 60},
        "customer": {"id": n, "customer_no": f"C{n:08d}", "external_id": None},
    }


def _in_threads(workers: int, ids: list[int], work) -> float:
    """Run `work(id)` over `ids` with `workers` threads (each its own connection)."""
    queue, lock = list(reversed(ids)), threading.Lock()

    def run():
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    one = queue.pop()
                work(one)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def bench_webhooks(*, events: int = 2000) -> list[Figure]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hooks"
    figures: list[Figure] = []
    try:
        body = json.dumps({"type": "contract.amended", "data": _payload(1)}).encode()
        for workers in (1, 4):
            local = threading.local()

            def post(_n, local=local):
                if not hasattr(local, "client"):
                    local.client = httpx.Client()
                local.client.post(url, content=body, headers={"content-type": "application/json"})

            elapsed = _in_threads(workers, list(range(events)), post)
            figures.append(
                (f"webhooks: plain httpx POSTs, {workers} thread(s)", events / elapsed, "/s")
            )

        endpoint = endpoint_create(user=None, name="bench receiver", url=url).endpoint
        for workers in (1, 4):
            # Written while the endpoint is off, then queued for it here: no broker message.
            Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
            started = time.perf_counter()
            with transaction.atomic():
                written = [
                    event_emit(type=EventType.CONTRACT_AMENDED, data=_payload(n))
                    for n in range(events)
                ]
            emitted = time.perf_counter() - started
            now = timezone.now()
            ids = [
                d.pk
                for d in Delivery.objects.bulk_create(
                    Delivery(event=e, endpoint=endpoint, next_attempt_at=now) for e in written
                )
            ]
            Endpoint.objects.filter(pk=endpoint.pk).update(is_active=True)
            elapsed = _in_threads(workers, ids, lambda pk: delivery_attempt(delivery_id=pk))
            delivered = Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.DELIVERED)
            assert delivered.count() == events, (delivered.count(), events)
            figures += [
                (f"webhooks: events written to the outbox (run {workers})", events / emitted, "/s"),
                (f"webhooks: delivered, {workers} worker(s)", events / elapsed, "/s"),
            ]
        endpoint_disable(endpoint_id=endpoint.pk, user=None, reason="benchmark over")
    finally:
        server.shutdown()
        server.server_close()
    return figures
