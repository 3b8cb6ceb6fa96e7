"""After 0006 filled them (a migration of its own: PostgreSQL does not alter a table with
pending trigger events from rows updated in the same transaction), every entry names the
organisation that wrote it, and the adoptions' old list of partners goes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("adoption", "0006_joint_commitments"),
    ]

    operations = [
        migrations.AlterField(
            model_name="progressentry",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.RESTRICT,
                related_name="+",
                to="organisations.organisation",
                verbose_name="written by",
            ),
        ),
        migrations.RemoveField(
            model_name="adoption",
            name="partners",
        ),
    ]
