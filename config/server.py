"""The production web server's load shedding: a request that waited too long is refused.

gunicorn's threaded worker queues the connections it accepts until a thread is free. Under a
burst that queue grows, every request in it gets slower, and clients that gave up leave work
behind that delays recovery. `SheddingThreadWorker` notes when each request was queued;
`shed_when_queued_too_long` wraps the WSGI application and answers a request that waited
longer than `WEB_SHED_AFTER_SECONDS` with a small 503 and `Retry-After`, before Django (and
so the database) is touched. Under any other server (runserver, tests) nothing is shed.

Wiring only: no application code is imported here.
"""

from __future__ import annotations

import os
import threading
import time

from gunicorn.workers.gthread import ThreadWorker

_queued = threading.local()

RETRY_AFTER_SECONDS = 2
BUSY_PAGE = (
    '<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>503</title></head>'
    "<body><h1>상담 데스크가 바쁩니다. 잠시 후 다시 시도해 주세요.</h1>"
    '<p lang="en">The desk is busy. Please try again in a few seconds.</p></body></html>'
).encode()


class SheddingThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, remembering when each request joined the thread queue."""

    def enqueue_req(self, conn):
        conn.queued_at = time.monotonic()
        super().enqueue_req(conn)

    def handle_request(self, req, conn):
        _queued.seconds = time.monotonic() - getattr(conn, "queued_at", time.monotonic())
        try:
            return super().handle_request(req, conn)
        finally:
            _queued.seconds = 0.0


def queued_seconds() -> float:
    """How long the request on this thread waited for a thread (0 outside gunicorn)."""
    return getattr(_queued, "seconds", 0.0)


def shed_when_queued_too_long(application, *, limit: float | None = None):
    """Wrap a WSGI application: 503 + Retry-After for a request that waited over `limit`.
    `/healthz` is never shed, so a load balancer sees the server alive while it is busy."""
    if limit is None:
        limit = float(os.environ.get("WEB_SHED_AFTER_SECONDS", "2"))

    def app(environ, start_response):
        if limit > 0 and queued_seconds() > limit and environ.get("PATH_INFO") != "/healthz":
            start_response(
                "503 Service Unavailable",
                [
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Content-Length", str(len(BUSY_PAGE))),
                    ("Retry-After", str(RETRY_AFTER_SECONDS)),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [BUSY_PAGE]
        return application(environ, start_response)

    return app
