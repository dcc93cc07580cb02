"""Every URL of the desk, every role, hostile values in every parameter: never a 5xx, and
when the answer is a refusal, nothing in the database changed.

The URLs come from the URL configuration itself (tests/site_map.py), so a new endpoint is
covered the day it is added. Parameter names come from every form the pages render, plus
the query parameters the views read.
"""

import re

import pytest
from django.contrib.messages import api as messages_api
from django.contrib.messages import constants as levels
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from tests.auth import MODEL_BACKEND
from tests.factories import UserFactory
from tests.site_map import every_url, world_make

pytestmark = pytest.mark.django_db

HOSTILE = [
    "a\x00b",
    "\x07\x1b[31m\x7f",
    "x" * 10_000,
    "9" * 30,
    "-1",
    "1e309",
    "abc",
    "2147483648",
    "<script>alert(1)</script>' OR 1=1 --",
]
# Query strings are read by fewer views and only as text or numbers: these suffice.
QUERY_VALUES = HOSTILE[:5]
# Query parameters views read (besides the fields of rendered forms).
QUERY_NAMES = ["q", "phone", "seen", "tab", "from", "to", "agent", "team", "reason", "page"]
# Tables that change on any request whatever its answer (a session, a login attempt).
UNWATCHED = {"django_session", "axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}


def _fingerprint() -> dict:
    """A hash of every row of every watched table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall() if name not in UNWATCHED]
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT '{name}', count(*), coalesce(sum(hashtext(t::text)::bigint), 0) "
                f'FROM "{name}" t'
                for name in tables
            )
        )
        return {name: (count, digest) for name, count, digest in cursor.fetchall()}


@pytest.fixture
def world(agent):
    return world_make(agent)


@pytest.fixture
def warnings_said(monkeypatch):
    """The messages of warning level or above that the views said (a refusal)."""
    said = []
    original = messages_api.add_message

    def add_message(request, level, message, *args, **kwargs):
        if level >= levels.WARNING:
            said.append(str(message))
        return original(request, level, message, *args, **kwargs)

    monkeypatch.setattr(messages_api, "add_message", add_message)
    return said


def _field_names(client: Client, urls: list[str]) -> set[str]:
    names = set(QUERY_NAMES)
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            names |= set(re.findall(r'name="([^"]+)"', response.content.decode()))
    return names - {"csrfmiddlewaretoken"}


class Prober:
    """Sends each request and checks its answer; the database's fingerprint after one
    request is the one before the next (the test's session is the only writer)."""

    def __init__(self, client: Client, said: list):
        self.client, self.said, self.last = client, said, _fingerprint()

    def check(self, method: str, url: str, data: dict) -> None:
        self.said.clear()
        response = getattr(self.client, method)(url, data)
        # /healthz answers 503 by design while a part is down (no Celery worker runs here).
        ceiling = 504 if url == "/healthz" else 500
        shown = {k: v[:40] for k, v in data.items()}
        assert response.status_code < ceiling, (method, url, shown)
        now = _fingerprint()
        if response.status_code >= 400 or self.said:
            assert now == self.last, (method, url, response.status_code, self.said)
        self.last = now


@pytest.mark.parametrize("role", [None, Role.AGENT, Role.SUPERVISOR, Role.CATALOG_ADMIN])
def test_hostile_values_on_every_url_never_give_a_5xx_nor_change_anything_refused(
    world, role, warnings_said
):
    client = Client(raise_request_exception=False)
    if role is not None:
        user = UserFactory(username=f"hostile-{role}", role=role)
        client.force_login(user, backend=MODEL_BACKEND)
    urls = every_url(world)
    names = sorted(_field_names(client, urls))
    prober = Prober(client, warnings_said)
    # A visitor who is not signed in is sent to the login page before anything is read.
    values = HOSTILE if role is not None else HOSTILE[:3]
    for url in urls:
        for value in values:
            if value in QUERY_VALUES:
                prober.check("get", url, dict.fromkeys(QUERY_NAMES, value))
            prober.check("post", url, dict.fromkeys(names, value))


def test_the_guard_refuses_nul_in_a_query_with_a_message(client_as_agent):
    response = client_as_agent.get("/desk/", {"q": "\x00"})
    assert response.status_code == 400
    assert b"control characters" in response.content


def test_the_guard_refuses_nul_in_a_posted_field_and_keeps_the_notes(client_as_agent, world):
    url = reverse("claim_notes", kwargs={"pk": world["claim"]})
    response = client_as_agent.post(url, {"notes": "a\x00b"})
    assert response.status_code == 400
    from claims.models import Claim

    assert Claim.objects.get(pk=world["claim"]).notes == ""


def test_tab_and_line_breaks_are_kept_in_multi_line_text(client_as_agent, world):
    url = reverse("claim_notes", kwargs={"pk": world["claim"]})
    assert client_as_agent.post(url, {"notes": "first\tline\r\nsecond"}).status_code == 200
    from claims.models import Claim

    assert Claim.objects.get(pk=world["claim"]).notes == "first\tline\r\nsecond"


def test_a_value_over_the_length_cap_is_refused(client_as_agent, world, settings):
    url = reverse("console_notes", kwargs={"pk": world["request"]})
    response = client_as_agent.post(url, {"notes": "x" * (settings.INPUT_MAX_FIELD_LENGTH + 1)})
    assert response.status_code == 400
    assert b"longer than" in response.content


def test_a_nul_in_the_session_cookie_is_refused_before_the_session_is_read(client):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/").status_code == 400


@pytest.mark.parametrize(
    "target", ["abc", "0", "opened", "//evil.example/x", "https://evil.example/", "/\\evil"]
)
def test_the_language_switch_goes_home_for_anything_but_a_local_path(client_as_agent, target):
    response = client_as_agent.post(reverse("language_set"), {"language": "ko", "next": target})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_language_switch_returns_to_the_page_it_came_from(client_as_agent):
    response = client_as_agent.post(
        reverse("language_set"), {"language": "en", "next": "/desk/?q=kim"}
    )
    assert response.url == "/desk/?q=kim"
