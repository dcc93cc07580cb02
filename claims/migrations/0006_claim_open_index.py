from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_closed_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("state", "closed"), _negated=True),
                fields=["manager_requested_at"],
                name="claim_open_idx",
            ),
        ),
    ]
