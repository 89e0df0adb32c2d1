"""What each database keeps of the dossier tables: SQLite's plain rowids (migration 0010, ADR 0011), and the
counters PostgreSQL tidies after a large import."""

import io

import pytest
from django.db import connection, transaction

from cchc.dossiers.importing import import_dossiers, tidy_counters
from cchc.dossiers.models import Dossier, DossierCount, DossierEvent
from cchc.dossiers.tests.builders import at, build


def _table_sql(model: type) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [model._meta.db_table])
        (sql,) = cursor.fetchone()
    return sql


@pytest.mark.usefixtures("catalogue")
def test_the_sqlite_dossier_table_has_no_autoincrement_and_its_ids_still_grow():
    """Only the dossier table lost the suffix (a later rebuild of it would bring it back and fail here)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's identity columns are untouched")
    assert '"id" integer NOT NULL PRIMARY KEY,' in _table_sql(Dossier)
    assert "AUTOINCREMENT" not in _table_sql(Dossier).upper()
    assert "AUTOINCREMENT" in _table_sql(DossierEvent).upper()
    first = build("HS-A", "TT1", "U1", at("2024-06-11"))
    first.save()
    Dossier.objects.bulk_create([build(f"HS-{n}", "TT1", "U1", at("2024-06-12")) for n in range(3)])
    ids = list(Dossier.objects.order_by("code").values_list("code", "id"))
    assert [code for code, _ in ids] == ["HS-0", "HS-1", "HS-2", "HS-A"]
    assert [pk for _, pk in ids] == [first.pk + 1, first.pk + 2, first.pk + 3, first.pk]


def _vacuum_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s", [DossierCount._meta.db_table])
        (count,) = cursor.fetchone()
    return count


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("catalogue")
def test_an_import_of_several_batches_vacuums_the_counters_on_postgresql_only_outside_a_transaction():
    """Two batches: the counter table is vacuumed once at the end; one batch, or inside ``atomic``, it is not."""
    if connection.vendor != "postgresql":
        assert tidy_counters() is False  # SQLite keeps no old row versions
        return
    before = _vacuum_count()
    text = "code,procedure_code,unit_code,channel,received_at\n" + "".join(
        f"V{n},TT2,U1,online,2024-02-0{n}T10:00:00+07:00\n" for n in range(1, 5)
    )
    summary = import_dossiers(stream=io.StringIO(text), filename="hoso.csv", batch_size=2)
    assert (summary.created, summary.batches) == (4, 2)
    assert _vacuum_count() == before + 1
    import_dossiers(stream=io.StringIO(text.replace("V", "W")), filename="hoso.csv", batch_size=10)
    assert _vacuum_count() == before + 1
    with transaction.atomic():
        assert tidy_counters() is False


@pytest.mark.django_db(transaction=True)
def test_a_vacuum_that_fails_is_logged_and_does_not_fail_the_import(monkeypatch, caplog):
    """The batches are committed before the vacuum: its failure is a warning, not an error."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no vacuum here")
    monkeypatch.setattr(DossierCount._meta, "db_table", "dossiers_no_such_table")
    with caplog.at_level("WARNING", logger="cchc.dossiers.importing"):
        assert tidy_counters() is False
    assert "VACUUM of the dossier counters failed" in caplog.text
