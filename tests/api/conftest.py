"""An integration's key and a client that sends it."""

import pytest
from rest_framework.test import APIClient

from api.services.keys import api_key_create
from tests.factories import CancellationRequestFactory


@pytest.fixture
def api_key(db, catalog_admin):
    """make(*scopes, rate=...) -> (ApiKey, its secret)."""

    def make(*scopes: str, rate: int | None = None, name: str = "billing"):
        made = api_key_create(
            user=catalog_admin, name=name, scopes=list(scopes), rate_limit_per_minute=rate
        )
        return made.key, made.plaintext

    return make


@pytest.fixture
def api(api_key):
    """api(*scopes) -> an APIClient sending a key with those scopes (its ApiKey as .key)."""

    def client_for(*scopes: str, rate: int | None = None) -> APIClient:
        key, secret = api_key(*scopes, rate=rate)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.key = key
        return client

    return client_for


@pytest.fixture
def cancellation_world(db):
    """Two requests: one still open, one withdrawn. {contract number: state}."""
    open_request = CancellationRequestFactory()
    withdrawn = CancellationRequestFactory()
    withdrawn_state = "withdrawn"
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(state=withdrawn_state)
    return {
        open_request.contract.number: open_request.state,
        withdrawn.contract.number: withdrawn_state,
    }
