"""The dashboards keep a tab's data in the cache: a repeated view reads no fact, every facts
refresh and catalog change shows at once, other filters, tabs, days, languages and time zones
are kept apart, the permission is still checked first, and with Redis away every view is
computed as before."""

import pickle
import re
from dataclasses import fields, is_dataclass
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

import reporting.views
from catalog.forms.items import ReasonCatalogForm
from catalog.services.items import catalog_save
from core.updates import updates_bump, updates_read
from reporting.services.facts import FACTS_KEY, facts_refresh
from tests.auth import MODEL_BACKEND
from tests.catalog.data import instance_data
from tests.factories import ContractFactory, CustomerFactory
from tests.reporting.dashboard_data import NOW, TODAY, survey
from tests.reporting.helpers import call_cancelled

pytestmark = pytest.mark.django_db

TABS = ["save-rate", "quality", "reasons", "win-back", "claims", "satisfaction", "coaching"]

REDIS_AWAY = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}

# What a view reads besides the tab's data: the session, the user and their permissions.
SIGNED_IN = re.compile(r'FROM "(django_session|accounts_user|auth_permission|auth_group)" ')
# What a tab's data is computed from: the facts, the live tables, the catalog, the names.
DATA = re.compile(r"reporting_|calls_survey|winback_|catalog_|customers_|accounts_team")


@pytest.fixture(autouse=True)
def _facts_moved():
    """A version this test's data has not been kept under, as after a refresh (the facts of
    these tests are written directly, and a rolled-back test bumps nothing)."""
    updates_bump([FACTS_KEY], at_once=True)


def _view(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards"), params)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def _computed(queries) -> bool:
    return any(DATA.search(sql) for sql in queries)


def _page(response) -> str:
    """The page without what differs between two draws of it: the CSRF token's mask (in
    the forms and the headers htmx sends) and the coaching note's one-time key."""
    body = response.content.decode()
    for drawn in (
        r'name="(csrfmiddlewaretoken|submission)" value="[^"]*"',
        r'"X-CSRFToken": "[^"]*"',
    ):
        body = re.sub(drawn, "", body)
    return body


def _total(response) -> dict:
    return response.context["total"]


# ---- a repeated view ----------------------------------------------------------------------


@pytest.mark.parametrize("tab", TABS)
def test_a_repeated_view_reads_no_fact_and_shows_the_same_page(client_as_supervisor, data, tab):
    first, computing = _view(client_as_supervisor, tab=tab)
    again, queries = _view(client_as_supervisor, tab=tab)
    assert _computed(computing)
    # Only the session, the user and their permissions; the coaching note's form reads the
    # agents it may be sent to (one query, the people and their teams) on every view.
    form = [sql for sql in queries if "accounts_team" in sql]
    assert len(form) == (1 if tab == "coaching" else 0)
    signed_in = [sql for sql in queries if sql not in form]
    assert all(SIGNED_IN.search(sql) for sql in signed_in), signed_in
    assert not _computed(signed_in), signed_in
    assert len(signed_in) <= 4 and len(computing) >= len(queries) + 6
    assert _page(again) == _page(first)
    assert again.context["tables"] == first.context["tables"]
    assert again.context["charts"] == first.context["charts"]


def test_what_is_kept_pickles_and_every_text_in_it_is_translated(
    client_as_supervisor, data, monkeypatch
):
    kept = {}
    real_set = cache.set

    def keep(key, value, *args, **kwargs):
        if key.startswith("dash:"):
            kept[key] = value
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", keep)
    for tab in TABS:
        _view(client_as_supervisor, tab=tab)
    assert len(kept) == len(TABS)
    for value in kept.values():
        assert not list(_lazy(value))
        assert pickle.loads(pickle.dumps(value)) == value


def _lazy(value):
    """The lazy translations anywhere in `value` (they would be translated when drawn, in
    whatever language the viewer of a later page has)."""
    if isinstance(value, Promise):
        yield value
    elif isinstance(value, dict):
        for item in value.items():
            yield from _lazy(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _lazy(item)
    elif is_dataclass(value):
        for field in fields(value):
            yield from _lazy(getattr(value, field.name))


# ---- what moves it ------------------------------------------------------------------------


def test_a_refresh_shows_the_calls_closed_since(client_as_supervisor, outcomes, agent, reason):
    contract = ContractFactory()  # before the view: a new product moves the catalog's version
    before, _queries = _view(client_as_supervisor)
    assert (_total(before)["retained"], _total(before)["cancelled"]) == (3, 1)
    call_cancelled(agent, reason, "product_quality", contract=contract)
    assert _total(_view(client_as_supervisor)[0])["cancelled"] == 1  # not refreshed yet
    facts_refresh()
    after, queries = _view(client_as_supervisor)
    assert _computed(queries)
    assert (_total(after)["retained"], _total(after)["cancelled"]) == (3, 2)
    assert "60%" in after.content.decode()


def test_every_refresh_moves_the_facts_version_even_when_it_adds_nothing(db):
    before = updates_read([FACTS_KEY])
    assert facts_refresh() == {"requests": 0, "claims": 0}
    assert updates_read([FACTS_KEY]) != before


def test_a_tab_of_live_tables_is_kept_until_the_next_refresh(client_as_supervisor, data):
    """The satisfaction tab reads the surveys as they are, not facts: a survey answered
    since the last view shows at the next refresh (every two minutes), not before."""
    _view(client_as_supervisor, tab="satisfaction")
    survey(
        touchpoint="save",
        customer=CustomerFactory(),
        agent=data.alice,
        answered_at=NOW - timedelta(hours=1),
        csat=5,
        comment="Answered a minute ago",
    )
    kept, queries = _view(client_as_supervisor, tab="satisfaction")
    assert not _computed(queries)
    assert "Answered a minute ago" not in kept.content.decode()
    facts_refresh()
    fresh, queries = _view(client_as_supervisor, tab="satisfaction")
    assert _computed(queries)
    assert "Answered a minute ago" in fresh.content.decode()


def test_a_reason_renamed_in_the_catalog_shows_at_once(
    client_as_supervisor, outcomes, reason, catalog_admin, django_capture_on_commit_callbacks
):
    fee_burden = reason("fee_burden")
    _view(client_as_supervisor)
    renamed = {"label_en": "Fees too high (renamed)", "label_ko": "요금 부담 (새 이름)"}
    with django_capture_on_commit_callbacks(execute=True):
        catalog_save(
            form=ReasonCatalogForm(data=instance_data(fee_burden, **renamed), instance=fee_burden),
            user=catalog_admin,
        )
    response, queries = _view(client_as_supervisor)
    assert _computed(queries)
    [by_reason] = [t for t in response.context["tables"] if t.name == "save-rate-reason"]
    labels = {row["label"] for row in by_reason.rows}
    assert renamed["label_en"] in labels or renamed["label_ko"] in labels


# ---- what is kept apart -------------------------------------------------------------------


def test_other_filters_tabs_days_languages_and_time_zones_are_kept_apart(
    client_as_supervisor, supervisor, data
):
    supervisor.language = "en"
    supervisor.save(update_fields=["language"])
    everyone, _queries = _view(client_as_supervisor)

    alice, queries = _view(client_as_supervisor, agent=str(data.alice.pk))
    assert _computed(queries) and _total(alice) != _total(everyone)
    assert _computed(_view(client_as_supervisor, tab="quality")[1])

    # The same filters spelled out (the default period) are the same entry.
    default = {"from": (TODAY - timedelta(days=90)).isoformat(), "to": TODAY.isoformat()}
    same, queries = _view(client_as_supervisor, **default)
    assert not _computed(queries) and _total(same) == _total(everyone)

    # The same period on another day: re-churn and win-back count back from today.
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert _computed(_view(client_as_supervisor, **default)[1])

    supervisor.language = "ko"
    supervisor.save(update_fields=["language"])
    korean, queries = _view(client_as_supervisor)
    assert _computed(queries)
    with translation.override("ko"):
        title = str(translation.gettext("Save rate by week (%)"))
    assert title != "Save rate by week (%)"
    assert korean.context["charts"][0]["title"] == title

    supervisor.timezone = "UTC"  # the same day as in Seoul, and the same period
    supervisor.save(update_fields=["timezone"])
    assert _computed(_view(client_as_supervisor)[1])


def test_the_permission_is_checked_before_anything_kept_is_read(
    client_as_supervisor, agent, data, monkeypatch
):
    _view(client_as_supervisor)
    read = []
    monkeypatch.setattr(reporting.views, "dashboard_data", lambda **kwargs: read.append(kwargs))
    client = Client()
    client.force_login(agent, backend=MODEL_BACKEND)
    assert client.get(reverse("dashboards")).status_code == 403
    assert read == []


def test_with_redis_away_every_view_is_computed(client_as_supervisor, data, settings):
    settings.CACHES = REDIS_AWAY
    for _ in range(2):
        response, queries = _view(client_as_supervisor)
        assert _computed(queries)
        assert "Alice Kim" in response.content.decode()
