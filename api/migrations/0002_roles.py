"""Catalog admins (operations admins) manage the integrations' API keys."""

from django.db import migrations

from accounts.roles import roles_sync


class Migration(migrations.Migration):
    dependencies = [("api", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
