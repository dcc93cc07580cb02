import pytest
from django.contrib.auth.models import Group

from accounts.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def test_every_role_group_exists_with_exactly_its_permissions():
    for role, expected in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=str(role))
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == expected, role


def test_agent_cannot_approve_offers_but_supervisor_can(agent, supervisor):
    assert agent.has_perm("customers.handle_calls")
    assert not agent.has_perm("cancellations.approve_offers")
    assert supervisor.has_perm("cancellations.approve_offers")
    assert supervisor.has_perm("customers.handle_calls")


def test_only_catalog_admin_can_change_products(agent, supervisor, catalog_admin):
    assert catalog_admin.has_perm("customers.change_product")
    assert catalog_admin.has_perm("catalog.manage_catalog")
    assert not supervisor.has_perm("customers.change_product")
    assert not agent.has_perm("catalog.manage_catalog")
    assert not catalog_admin.has_perm("customers.handle_calls")


def test_has_role_reads_groups(agent, supervisor):
    assert agent.has_role(Role.AGENT)
    assert not agent.has_role(Role.SUPERVISOR)
    assert supervisor.has_role("supervisor")
