"""The keys of ``Dossier`` and ``DossierCount`` as checked keys, not database constraints (ADR 0006).

The import checks every procedure and unit code against the catalogue it read; PROTECT
stays (Django's deletion collector). On PostgreSQL the per-row foreign-key triggers took
half of the insert time of a million dossiers. The indexes stay as they were.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_ingest_path"),
        ("organizations", "0002_cohort_aliases"),
        ("procedures", "0001_procedure"),
    ]

    operations = [
        migrations.AlterField(
            model_name="dossier",
            name="procedure",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dossiers",
                to="procedures.procedure",
                verbose_name="thủ tục",
            ),
        ),
        migrations.AlterField(
            model_name="dossier",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dossiers",
                to="organizations.orgunit",
                verbose_name="đơn vị tiếp nhận, giải quyết",
            ),
        ),
        migrations.AlterField(
            model_name="dossiercount",
            name="unit",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.orgunit",
                verbose_name="đơn vị",
            ),
        ),
    ]
