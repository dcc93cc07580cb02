"""What a person may do is kept per version of the roles (accounts.access): pages read no
permission or role from PostgreSQL while nothing changed, and any change to a role, a role's
permissions or a person's roles takes effect at the next request, in every process."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.access import access_load, user_access
from accounts.models import User
from accounts.roles import Role
from tests.faults import REDIS_AWAY

pytestmark = pytest.mark.django_db


def _fresh(user) -> User:
    """The user as the next request loads it."""
    return User.objects.get(pk=user.pk)


def _access_queries(user) -> int:
    person = _fresh(user)
    with CaptureQueriesContext(connection) as queries:
        person.has_perm("customers.handle_calls")
        person.has_role(Role.AGENT)
    return len(queries)


def test_the_second_request_reads_no_permission_or_role(agent):
    assert _access_queries(agent) == 2
    assert _access_queries(agent) == 0


def test_kept_access_is_what_the_database_grants(agent, supervisor, catalog_admin, admin_user):
    for person in (agent, supervisor, catalog_admin, admin_user):
        kept = user_access(_fresh(person))
        assert kept == access_load(_fresh(person))
    assert "cancellations.approve_offers" in user_access(_fresh(supervisor)).permissions
    assert "cancellations.approve_offers" not in user_access(_fresh(agent)).permissions
    assert len(user_access(_fresh(admin_user)).permissions) == Permission.objects.count()


def test_a_role_taken_away_stops_working_at_the_next_request(supervisor):
    assert _fresh(supervisor).has_perm("cancellations.approve_offers")
    supervisor.groups.clear()
    assert not _fresh(supervisor).has_perm("cancellations.approve_offers")
    assert not _fresh(supervisor).has_role(Role.SUPERVISOR)


def test_a_role_given_works_at_the_next_request(agent):
    assert not _fresh(agent).has_role(Role.SUPERVISOR)
    agent.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    assert _fresh(agent).has_role(Role.SUPERVISOR)
    assert _fresh(agent).has_perm("cancellations.approve_offers")


def test_a_permission_taken_from_a_role_stops_working(supervisor):
    approve = Permission.objects.get(codename="approve_offers")
    assert _fresh(supervisor).has_perm("cancellations.approve_offers")
    Group.objects.get(name=Role.SUPERVISOR).permissions.remove(approve)
    assert not _fresh(supervisor).has_perm("cancellations.approve_offers")


def test_a_person_made_inactive_or_superuser_is_looked_up_anew(agent):
    assert not _fresh(agent).has_perm("catalog.manage_catalog")
    User.objects.filter(pk=agent.pk).update(is_superuser=True)  # no signal: the row says so
    assert _fresh(agent).has_perm("catalog.manage_catalog")
    User.objects.filter(pk=agent.pk).update(is_superuser=False, is_active=False)
    assert not _fresh(agent).has_perm("customers.handle_calls")


def test_the_server_refuses_at_once_when_a_role_is_taken_away(client_as_supervisor, supervisor):
    assert client_as_supervisor.get(reverse("approvals")).status_code == 200
    supervisor.groups.clear()
    assert client_as_supervisor.get(reverse("approvals")).status_code == 403


def test_with_redis_away_access_is_read_from_the_database(agent, settings):
    settings.CACHES = REDIS_AWAY
    assert _access_queries(agent) == 2
    assert _access_queries(agent) == 2
    assert _fresh(agent).has_perm("customers.handle_calls")


def test_a_new_colleague_leaves_everyone_elses_access_kept(agent, supervisor):
    _access_queries(supervisor)
    assert _access_queries(supervisor) == 0
    colleague = User.objects.create(username="new-agent")
    colleague.groups.add(Group.objects.get(name=Role.AGENT))
    assert _access_queries(supervisor) == 0
    assert _fresh(colleague).has_role(Role.AGENT)


def test_a_role_emptied_from_its_side_reaches_its_members(agent):
    assert _fresh(agent).has_perm("customers.handle_calls")
    Group.objects.get(name=Role.AGENT).user_set.clear()
    assert not _fresh(agent).has_perm("customers.handle_calls")
    Group.objects.get(name=Role.AGENT).user_set.add(agent)
    assert _fresh(agent).has_perm("customers.handle_calls")
