"""The favicon is served without a login."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_favicon_is_served_without_a_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("favicon.svg")
    assert client.get(response.url).status_code == 200
