"""Fixtures of the server tests: the static files collected once, a Redis of the test's own."""

import os
import subprocess
import sys

import pytest

from tests.server.helpers import ROOT, redis_server


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """The static files collected as `make run` collects them (hashed names, compressed)."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "collectstatic-only",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_STATIC_ROOT": str(root),
    }
    command = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return root


@pytest.fixture
def own_redis():
    with redis_server() as (port, process):
        yield port, process
