"""/healthz against the real services: PostgreSQL, Redis, a real Celery worker, beat's heartbeat."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse

from config.celery_app import app as celery_app
from core.health import beat_heartbeat_record

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def beat_alive():
    beat_heartbeat_record()
    yield
    redis.Redis.from_url(settings.REDIS_URL).delete(settings.BEAT_HEARTBEAT_KEY)


@pytest.fixture
def beat_silent():
    redis.Redis.from_url(settings.REDIS_URL).delete(settings.BEAT_HEARTBEAT_KEY)


@pytest.fixture
def celery_worker_running():
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_all_parts_ok_gives_200(client, celery_worker_running, beat_alive):
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "celery_worker", "celery_beat"}
    assert all(part["ok"] for part in body["checks"].values())


def test_no_worker_gives_503_naming_the_worker(client, beat_alive):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["celery_worker"]


def test_silent_beat_gives_503_naming_beat(client, celery_worker_running, beat_silent):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["celery_beat"]


def test_stale_heartbeat_is_a_failure(client, celery_worker_running, settings):
    redis.Redis.from_url(settings.REDIS_URL).set(
        settings.BEAT_HEARTBEAT_KEY, f"{time.time() - 3600:.3f}"
    )
    body = client.get(reverse("healthz")).json()
    assert body["failing"] == ["celery_beat"]
    assert body["checks"]["celery_beat"]["error"] == "heartbeat too old"


def test_redis_down_gives_503_naming_redis_and_what_depends_on_it(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["failing"] == ["celery_beat", "celery_worker", "redis"]
    assert time.monotonic() - started < 10  # answers, never hangs


def test_database_down_gives_503_naming_the_database(client, settings, beat_alive):
    from django.db import connection

    real = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        response = client.get(reverse("healthz"))
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real
    assert response.status_code == 503
    assert "database" in response.json()["failing"]


def test_healthz_needs_no_login_and_shows_no_secrets(client, beat_alive):
    body = client.get(reverse("healthz")).content.decode()
    assert settings.REDIS_URL not in body
    assert "postgres" not in body.lower()
