"""The ingest path of ADR 0006: fewer indexes on ``Dossier``, and no event rows for a dossier's own columns."""

import django.db.models.deletion
from django.db import migrations, models

#: The index Django made for ``Dossier.procedure`` (its name is a hash of the table and column).
PROCEDURE_INDEX = "dossiers_dossier_procedure_id_4e0e78d6"
#: Steps that are columns of the dossier: the event log shows them from the columns now.
DERIVED_KINDS = ("received", "resolved", "returned", "supplement", "apology")


def _drop_derived_events(apps, schema_editor):
    """Delete the event rows that repeat a column (one statement; corrections stay)."""
    apps.get_model("dossiers", "DossierEvent").objects.filter(kind__in=DERIVED_KINDS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_regimes_and_dossier_details"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="dossier", name="dossier_unit_received"),
        migrations.RemoveIndex(model_name="dossier", name="dossier_unit_resolved"),
        # ``AlterField`` would rebuild the whole table on SQLite to drop one index; the
        # state changes, the database only loses the index.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dossier",
                    name="procedure",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dossiers",
                        to="procedures.procedure",
                        verbose_name="thủ tục",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {PROCEDURE_INDEX}",
                    f"CREATE INDEX {PROCEDURE_INDEX} ON dossiers_dossier (procedure_id)",
                ),
            ],
        ),
        # Not reversible into rows: the columns still hold every step, and the log reads them there.
        migrations.RunPython(_drop_derived_events, migrations.RunPython.noop, elidable=True),
    ]
