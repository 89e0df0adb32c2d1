"""On SQLite, the dossier table's ids come from its rowid without ``AUTOINCREMENT`` (ADR 0011).

``AUTOINCREMENT`` keeps ids of deleted rows from coming back by updating SQLite's
``sqlite_sequence`` on every insert: about 0.4 µs of a 4.8 µs dossier insert, measured.
The platform never deletes a dossier, so the guarantee buys nothing here. Django's own
table rebuild (the one ``AlterField`` uses) remakes the table with the suffix left out;
any other database is untouched. ``test_the_sqlite_dossier_table_has_no_autoincrement``
fails if a later rebuild of the table brings the suffix back.
"""

from django.db import migrations


def _remake(apps, schema_editor, *, suffix: bool) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    model = apps.get_model("dossiers", "Dossier")
    if not suffix:
        connection.data_types_suffix = {}  # this connection only, for this rebuild
    try:
        schema_editor._remake_table(model)  # noqa: SLF001 - Django's rebuild, with its index and constraint handling
    finally:
        connection.__dict__.pop("data_types_suffix", None)


def drop_autoincrement(apps, schema_editor) -> None:
    _remake(apps, schema_editor, suffix=False)


def restore_autoincrement(apps, schema_editor) -> None:
    _remake(apps, schema_editor, suffix=True)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0009_counter_totals_index"),
    ]

    operations = [
        migrations.RunPython(drop_autoincrement, restore_autoincrement, elidable=False),
    ]
