"""The demo dossiers: Hải Dương 2023 through the importer, with ratings; a second run changes nothing."""

import time

import pytest

from cchc.dossiers.demo import dossiers_load_demo
from cchc.dossiers.models import Dossier, Rating
from cchc.organizations.importing import units_load_default
from cchc.procedures.importing import procedures_load_default


@pytest.mark.django_db
def test_demo_loads_hai_duong_2023_quickly_and_idempotently() -> None:
    units_load_default()
    procedures_load_default()

    started = time.monotonic()
    first = dossiers_load_demo()
    elapsed = time.monotonic() - started

    assert first["dossiers_rejected"] == 0
    assert 4_500 <= first["dossiers_created"] <= 5_000
    assert first["ratings_added"] == Rating.objects.count() > 0
    assert elapsed < 10
    assert (
        Dossier.objects.filter(unit__code__startswith="HD.", received_at__year=2023).count()
        == first["dossiers_created"]
    )

    second = dossiers_load_demo()
    assert (second["dossiers_created"], second["dossiers_updated"], second["ratings_added"]) == (0, 0, 0)
