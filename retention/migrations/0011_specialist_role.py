from django.db import migrations

from accounts.roles import roles_sync


class Migration(migrations.Migration):
    """The retention specialist role, and the specialists' queue for supervisors."""

    dependencies = [("retention", "0010_specialist_queue"), ("claims", "0002_roles")]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
