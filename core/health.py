"""What /healthz reports: the database, Redis, a Celery worker and Celery beat.

Each check answers quickly even when its dependency is gone (short connect timeouts), and
names what failed, so an operator reading the JSON knows where to look.
"""

import contextlib
import time

import redis
from django.conf import settings
from django.db import connection

from config.celery_app import app as celery_app


def _redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def beat_heartbeat_record() -> None:
    """Called by beat's scheduler on every tick. Never raises: beat must keep running."""
    with contextlib.suppress(redis.RedisError):
        _redis_client().set(settings.BEAT_HEARTBEAT_KEY, f"{time.time():.3f}", ex=3600)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _check_redis() -> dict:
    try:
        _redis_client().ping()
    except redis.RedisError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _check_worker() -> dict:
    try:
        replies = celery_app.control.ping(timeout=settings.HEALTH_WORKER_PING_TIMEOUT)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if not replies:
        return {"ok": False, "error": "no worker answered the ping"}
    return {"ok": True, "workers": len(replies)}


def _check_beat() -> dict:
    try:
        raw = _redis_client().get(settings.BEAT_HEARTBEAT_KEY)
    except redis.RedisError as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    if raw is None:
        return {"ok": False, "error": "no heartbeat from beat"}
    age = time.time() - float(raw)
    if age > settings.BEAT_HEARTBEAT_MAX_AGE_SECONDS:
        return {"ok": False, "error": "heartbeat too old", "age_seconds": round(age, 1)}
    return {"ok": True, "age_seconds": round(age, 1)}


def health_check() -> dict:
    """Every part's state; the broker-dependent checks are skipped when Redis is down."""
    parts = {"database": _check_database(), "redis": _check_redis()}
    if parts["redis"]["ok"]:
        parts["celery_worker"] = _check_worker()
        parts["celery_beat"] = _check_beat()
    else:
        parts["celery_worker"] = {"ok": False, "error": "broker (Redis) unreachable"}
        parts["celery_beat"] = {"ok": False, "error": "broker (Redis) unreachable"}
    return parts
