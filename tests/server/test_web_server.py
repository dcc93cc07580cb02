"""The production web server under load and faults: gunicorn with the production settings,
as `make run` serves, against the test database and a Redis of its own.

Connections stay within the pool whatever the burst; a request that waited too long for a
thread is answered 503 with Retry-After; a database that cannot be reached is a 503 too,
and the app serves again by itself once it is back; with Redis gone the pages keep
answering and /healthz says what is missing.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.roles import Role
from tests.factories import ContractFactory, UserFactory
from tests.server.helpers import (
    APP_NAME,
    connections_of_the_app,
    gunicorn,
    redis_server,
    session_cookie,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agent_cookie():
    ContractFactory.create_batch(3)
    return session_cookie(UserFactory(username="agent-server", role=Role.AGENT))


def _burst(server, path: str, cookie: str, *, count: int, width: int) -> list:
    with ThreadPoolExecutor(max_workers=width) as pool:
        return list(pool.map(lambda _: server.get(path, cookie=cookie), range(count)))


def test_a_burst_never_opens_more_connections_than_the_pool(own_redis, static_root, agent_cookie):
    port, _ = own_redis
    seen = []
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            seen.append(connections_of_the_app())
            stop.wait(0.02)

    with gunicorn(port, static_root, WEB_THREADS=4, DB_POOL_MAX_SIZE=2) as server:
        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            answers = _burst(server, "/desk/?q=%EA%B9%80", agent_cookie, count=120, width=40)
        finally:
            stop.set()
            sampler.join()
    assert {answer.status for answer in answers} <= {200, 503}
    assert sum(answer.status == 200 for answer in answers) > 0
    assert max(seen) <= 2, f"one worker with a pool of 2 held {max(seen)} connections"


def test_requests_that_waited_too_long_are_shed_and_the_server_recovers_at_once(
    own_redis, static_root, agent_cookie
):
    port, _ = own_redis
    with gunicorn(port, static_root, WEB_THREADS=1, WEB_SHED_AFTER_SECONDS=0.3) as server:
        answers = _burst(server, "/desk/?q=%EA%B9%80", agent_cookie, count=80, width=80)
        shed = [answer for answer in answers if answer.status == 503]
        assert {answer.status for answer in answers} <= {200, 503}
        assert shed, "80 requests at once on one thread: the late ones must be shed"
        assert all(answer.headers.get("Retry-After") for answer in shed)
        assert "try again" in shed[0].body.decode()
        # The burst is over: the next request is served, not queued behind dead work.
        assert server.get("/desk/?q=%EA%B9%80", cookie=agent_cookie).status == 200


@pytest.fixture
def database_closed():
    """Close the test database to new connections and drop the app's current ones (as a
    restart or failover would), then open it again; from the server's maintenance database,
    since a database cannot close itself."""
    import psycopg

    db = connection.settings_dict
    name = db["NAME"]
    params = {k.lower(): db[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if db[k]}
    admin = psycopg.connect(dbname="postgres", autocommit=True, **params)

    def close():
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = %s",
            [name, APP_NAME],
        )

    def reopen():
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    yield close, reopen
    reopen()
    admin.close()


def test_a_database_outage_is_a_503_and_the_app_recovers_without_a_restart(
    own_redis, static_root, agent_cookie, database_closed
):
    close, reopen = database_closed
    port, _ = own_redis
    with gunicorn(port, static_root, DB_POOL_TIMEOUT=1) as server:
        assert server.get("/desk/", cookie=agent_cookie).status == 200
        close()
        down = server.get("/desk/", cookie=agent_cookie)
        assert down.status == 503
        assert down.headers.get("Retry-After") == "5"
        assert "briefly unavailable" in down.body.decode()
        assert "Traceback" not in down.body.decode() and "SELECT" not in down.body.decode()
        health = server.get("/healthz")
        assert health.status == 503 and b'"database"' in health.body
        reopen()
        wait_until(
            lambda: server.get("/desk/", cookie=agent_cookie).status == 200,
            what="the app to serve again once the database is back",
            timeout=15,
        )
        assert server.process.poll() is None, "the server was never restarted"


def test_with_redis_gone_the_pages_keep_answering_and_healthz_names_it(static_root, agent_cookie):
    with redis_server() as (port, process), gunicorn(port, static_root) as server:
        assert server.get("/desk/", cookie=agent_cookie).status == 200
        process.kill()
        process.wait()
        assert server.get("/desk/", cookie=agent_cookie).status == 200
        health = server.get("/healthz")
        assert health.status == 503
        assert b'"redis"' in health.body.split(b'"checks"')[0]
        with redis_server(port):
            wait_until(
                lambda: b'"redis"' not in server.get("/healthz").body.split(b'"checks"')[0],
                what="/healthz to see Redis back",
            )
