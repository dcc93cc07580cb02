"""The reason taxonomy and the customer-type playbook every desk starts with (catalog
admins edit them from there)."""

from django.db import migrations

from catalog.taxonomy import customer_types_seed, reasons_seed


def seed(apps, schema_editor):
    reasons_seed(apps, schema_editor)
    customer_types_seed(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
