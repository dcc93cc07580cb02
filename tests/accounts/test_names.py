"""A person's name reads as it should wherever they are named: family name first without a
space for Korean names, given name first for Western ones, the username if there is none."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.names import person_name
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("given", "family", "reads"),
    [
        ("지은", "김", "김지은"),
        ("민수", "박", "박민수"),
        ("Jane", "Park", "Jane Park"),
        ("Jane", "", "Jane"),
        ("", "김", "김"),
        ("", "", ""),
    ],
)
def test_names_read_in_their_own_order(given, family, reads):
    assert person_name(given, family) == reads


@pytest.mark.django_db
def test_the_header_the_queue_and_the_coaching_form_name_people_the_same_way(
    client, login, supervisor
):
    from accounts.models import Team

    team = Team.objects.create(name="1팀")
    korean = UserFactory(
        username="kim", role=Role.AGENT, first_name="지은", last_name="김", team=team
    )
    UserFactory(username="lee", role=Role.AGENT, first_name="Ann", last_name="Lee")
    assert korean.get_full_name() == korean.display_name == "김지은"
    login(korean)
    assert "김지은" in client.get(reverse("home")).content.decode()
    login(supervisor)
    floor = client.get(reverse("floor")).content.decode()
    form = floor[floor.index('id="coach-agent"') :].split("</select>")[0]
    assert f'<optgroup label="1팀"><option value="{korean.pk}">김지은</option>' in form
    assert ">Ann Lee</option>" in form and ">kim<" not in form


@pytest.mark.django_db
def test_the_dashboards_and_their_csv_name_agents_the_same_way():
    from reporting.analytics.labels import Labels

    korean = UserFactory(username="park", first_name="민수", last_name="박")
    assert Labels().agent(korean.pk) == "박민수"
