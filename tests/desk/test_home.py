"""The home page for every role, behind the login, in a fixed number of queries."""

import pytest
from django.urls import reverse

from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "sees_the_book"), [("agent", True), ("supervisor", True), ("catalog_admin", False)]
)
def test_home_for_every_role(client, login, request, who, sees_the_book):
    login(request.getfixturevalue(who))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert (b"Active contracts" in response.content) is sees_the_book


def test_home_needs_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_without_role_is_told_so(client, login):
    from tests.factories import UserFactory

    login(UserFactory(username="nobody"))
    assert b"no role yet" in client.get(reverse("home")).content


@pytest.mark.parametrize("contracts", [2, 60])
def test_home_query_count_does_not_grow_with_data(
    client_as_agent, django_assert_max_num_queries, contracts
):
    ContractFactory.create_batch(contracts)
    with django_assert_max_num_queries(8):
        assert client_as_agent.get(reverse("home")).status_code == 200
