"""The dashboards' filters."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# ---- dashboards -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reason", "agent", "team"])
def test_a_filter_id_too_big_for_the_database_is_ignored(client_as_supervisor, name):
    response = client_as_supervisor.get(
        reverse("dashboards"), {"tab": "save-rate", name: "99999999999999999999"}
    )
    assert response.status_code == 200
    assert "Unknown filter value ignored" in response.content.decode()
