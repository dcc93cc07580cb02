"""The API against its own published schema (Schemathesis, through the WSGI app on the real
database): for generated requests to every operation, no 5xx and no answer that breaks the
schema; and the schema itself is valid OpenAPI with every operation described."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.test import APIClient
from schemathesis import checks

from api.choices import Scope
from tests.factories import CancellationRequestFactory, ContractFactory

MAX_EXAMPLES = 12  # per operation: bounded, so CI stays quick
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def wsgi_app():
    """The WSGI app on the test's own connection and transaction: as Django's test client
    does, requests must not close the connection when they start and finish."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, api_key, wsgi_app):
    ContractFactory(external_id="K-1", customer__external_id="C-1", product__external_id="P-1")
    CancellationRequestFactory()
    _key, secret = api_key(*Scope.values, rate=100_000)
    headers = {"Authorization": f"Bearer {secret}"}
    loaded = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/?format=json", wsgi_app, headers=headers
    )
    return loaded.include(path_regex="^/api/v1/"), headers


def test_every_operation_keeps_to_its_schema_and_never_fails_inside(api_schema):
    loaded, headers = api_schema
    checked = []
    for result in loaded.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            # No 5xx, and every answer as documented (status, content type, body, headers).
            # Not "valid data is accepted": the schema cannot say that a contract must exist.
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
        checked.append(operation.label)
    assert len(checked) >= 14, checked


@pytest.mark.django_db
def test_the_schema_describes_every_operation_with_a_summary(api):
    document = api("read").get("/api/v1/schema/?format=json").json()
    operations = [
        (path, method, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 14
    for path, method, operation in operations:
        assert operation.get("summary"), (path, method)
        assert "401" in operation["responses"] and "403" in operation["responses"], (path, method)
    assert document["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"


def test_the_schema_is_in_english_whatever_the_desks_language(api, settings):
    settings.LANGUAGE_CODE = "ko"
    text = api("read").get("/api/v1/schema/?format=json").content.decode()
    hangul = [word for word in text.split('"') if any("\uac00" <= ch <= "\ud7a3" for ch in word)]
    assert hangul == []


@pytest.mark.django_db
def test_the_schema_is_not_public(client):
    assert APIClient().get("/api/v1/schema/").status_code == 401
