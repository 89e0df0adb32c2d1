"""The dossier table's ids on SQLite: plain rowids, without ``AUTOINCREMENT`` (migration 0010, ADR 0011)."""

import pytest
from django.db import connection

from cchc.dossiers.models import Dossier, DossierEvent
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
