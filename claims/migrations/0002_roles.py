from django.db import migrations

from accounts.roles import roles_sync


class Migration(migrations.Migration):
    """Supervisors instruct escalated claims."""

    dependencies = [("claims", "0001_initial"), ("retention", "0008_playbook_complete")]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
