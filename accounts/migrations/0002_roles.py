"""The roles and their permissions (accounts.roles). After every app that defines a
permission a role holds; a later migration that adds one calls roles_sync again."""

from django.db import migrations

from accounts.roles import roles_sync


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("calls", "0004_initial"),
        ("cancellations", "0002_initial"),
        ("catalog", "0002_initial"),
        ("claims", "0002_initial"),
        ("core", "0001_initial"),
        ("customers", "0001_initial"),
        ("desk", "0001_initial"),
        ("reporting", "0001_initial"),
        ("winback", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
