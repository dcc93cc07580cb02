from django.db import migrations

from retention.taxonomy import customer_types_seed


class Migration(migrations.Migration):
    """The full customer-type playbook (13 types); the first three came in 0006."""

    dependencies = [("retention", "0007_claim_links")]

    operations = [migrations.RunPython(customer_types_seed, migrations.RunPython.noop)]
