"""`make run` meeting a database left by the desk's old single-app layout (its migrations
are the `retention` app's, which no longer exists): the demo database it made is made anew
with a message; a database it did not make is left alone, and it stops with an explanation."""

import importlib.util
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("stack_for_layout", ROOT / "scripts" / "stack.py")
stack = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(stack)


def _server() -> dict:
    db = settings.DATABASES["default"]
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"]}
    return {key: value for key, value in params.items() if value}


@pytest.fixture
def scratch(monkeypatch):
    """A database of its own on the test server, named in the stack's environment."""
    name = f"layout_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setattr(stack, "_connect_params", lambda url: {"dbname": name, **_server()})
    yield name
    with psycopg.connect(**_server(), dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrated_by(name: str, app: str) -> None:
    with psycopg.connect(**_server(), dbname=name, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255), "
            "name varchar(255), applied timestamptz)"
        )
        conn.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, '0001_initial', now())",
            [app],
        )
        conn.execute("CREATE TABLE retention_customer (id serial PRIMARY KEY)")


def _tables(name: str) -> set[str]:
    with psycopg.connect(**_server(), dbname=name) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in rows}


def test_the_demo_database_of_the_old_layout_is_made_anew_with_a_message(scratch, capsys):
    _migrated_by(scratch, "retention")

    stack._rebuild_if_old_layout({"DATABASE_URL": "unused"}, embedded=True)

    assert _tables(scratch) == set(), "an empty database, ready for migrate and the demo seed"
    assert "made by the old layout" in capsys.readouterr().out


def test_a_database_the_stack_did_not_make_is_left_alone_with_an_explanation(scratch):
    _migrated_by(scratch, "retention")

    with pytest.raises(SystemExit) as stopped:
        stack._rebuild_if_old_layout({"DATABASE_URL": "unused"}, embedded=False)

    assert "before its re-layout into apps" in str(stopped.value)
    assert _tables(scratch) == {"django_migrations", "retention_customer"}


@pytest.mark.parametrize("app", ["accounts", None])
def test_a_database_of_the_current_layout_or_a_new_one_is_kept(scratch, app):
    if app:
        _migrated_by(scratch, app)

    stack._rebuild_if_old_layout({"DATABASE_URL": "unused"}, embedded=True)

    assert _tables(scratch) == ({"django_migrations", "retention_customer"} if app else set())
