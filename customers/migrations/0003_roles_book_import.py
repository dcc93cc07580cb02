"""Operations (catalog) admins import the customer book: they add and change customers and
contracts as well as products (accounts.roles, api.views.book_import)."""

from django.db import migrations

from accounts.roles import roles_sync


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_book_sync"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(roles_sync, migrations.RunPython.noop)]
