from django.db import migrations

from retention.taxonomy import customer_types_seed


class Migration(migrations.Migration):
    dependencies = [("retention", "0005_customer_types")]

    operations = [migrations.RunPython(customer_types_seed, migrations.RunPython.noop)]
