"""The three roles of the desk, as Groups with their permissions.

Roles are Groups so an administrator can see and audit them in the admin; which permissions
each role holds is decided here, in code, and applied by data migrations (`roles_sync`), so
every database has the same roles. A later migration that adds permissions calls
`roles_sync` again (every migration that adds a permission does).
"""

from django.contrib.auth.management import create_permissions
from django.db.models import Q, TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    AGENT = "agent", _("Agent")
    SUPERVISOR = "supervisor", _("Supervisor")
    CATALOG_ADMIN = "catalog_admin", _("Catalog admin")
    SPECIALIST = "retention_specialist", _("Retention specialist")


_AGENT = {
    "customers.view_customer",
    "customers.view_product",
    "customers.view_contract",
    "customers.view_contractamendment",
    "customers.handle_calls",
}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.AGENT: _AGENT,
    Role.SUPERVISOR: _AGENT
    | {
        "cancellations.approve_offers",
        "reporting.view_dashboards",
        "customers.view_customer_pii",
        "calls.work_specialist_queue",
        "claims.instruct_claims",
        "catalog.view_catalog",
    },
    # Agents trained for win-back calls: the agent's desk plus the specialists' queue.
    Role.SPECIALIST: _AGENT | {"calls.work_specialist_queue"},
    Role.CATALOG_ADMIN: {
        "customers.view_product",
        "customers.add_product",
        "customers.change_product",
        # The book import (api.views.book_import): a kind's records, added and changed.
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_contract",
        "customers.change_contract",
        "catalog.manage_catalog",
        "catalog.view_catalog",
        "api.manage_api_keys",
        "webhooks.manage_webhooks",
    },
}


def roles_sync(apps, schema_editor=None) -> None:
    """Create the role groups and give each exactly its permissions (migration-safe)."""
    for app_config in apps.get_app_configs():
        # Historical app configs (in migrations) have no models module; create_permissions
        # skips those, so lend them one for the call.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        wanted = [dotted.split(".") for dotted in sorted(codenames)]
        query = Q()
        for app_label, codename in wanted:
            query |= Q(content_type__app_label=app_label, codename=codename)
        # A permission of an app not migrated yet is granted by that app's own roles
        # migration, which calls this again.
        group.permissions.set(Permission.objects.filter(query))
