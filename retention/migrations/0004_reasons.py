from django.db import migrations

from retention.taxonomy import reasons_seed


class Migration(migrations.Migration):
    dependencies = [("retention", "0003_cancellation_tree")]

    operations = [migrations.RunPython(reasons_seed, migrations.RunPython.noop)]
