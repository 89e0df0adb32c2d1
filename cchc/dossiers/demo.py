"""Demo dossiers: a synthetic year 2023 of Hải Dương's one-stop shops, and some citizens' ratings.

Built from the procedures already in the database (the demo catalogue) and their Hải
Dương units with ``dossiers.synthetic``, written as an import file and loaded with the
importer, so the statistics counters are maintained as in production. Idempotent: the
rows are deterministic and the import is an upsert by code, so a second run changes
nothing; ratings are only added to dossiers not yet rated.
"""

import csv
import datetime as dt
import io
import random
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.core.calendar import work_calendar
from cchc.core.errors import ApplicationError
from cchc.dossiers.choices import RatingCriterion
from cchc.dossiers.importing import import_dossiers
from cchc.dossiers.models import Dossier, Rating
from cchc.dossiers.ratings import rating_submit
from cchc.dossiers.synthetic import FILE_COLUMNS, SyntheticProcedure, SyntheticUnit, generate_dossier_rows
from cchc.procedures.models import Procedure

PROVINCE_PREFIX = "HD."
YEAR = 2023
DOSSIERS = 5_000
RATINGS = 300
SEED = 2023


def _demo_rows() -> list[dict[str, str]]:
    procedures = list(Procedure.objects.prefetch_related("units").order_by("code"))
    plan = []
    for procedure in procedures:
        units = [u for u in procedure.units.all() if u.code.startswith(PROVINCE_PREFIX)]
        if units:
            plan.append((procedure, sorted(units, key=lambda u: u.code)))
    if not plan:
        raise ApplicationError(
            _("Chưa có thủ tục nào gắn với đơn vị của Hải Dương: nạp đơn vị và danh mục thủ tục mẫu trước."),
            code="demo.missing_procedures",
        )
    calendar = work_calendar()
    per_procedure = max(DOSSIERS // len(plan), 1)
    rows: list[dict[str, str]] = []
    for index, (procedure, units) in enumerate(plan):
        synthetic_procedure = SyntheticProcedure(
            procedure.code, procedure.name, procedure.field, procedure.level, procedure.time_limit_days
        )
        synthetic_units = [SyntheticUnit(u.code, u.name, procedure.level) for u in units]
        for row in generate_dossier_rows(
            units=synthetic_units,
            procedures=[synthetic_procedure],
            count=per_procedure,
            date_from=dt.date(YEAR, 1, 1),
            date_to=dt.date(YEAR, 12, 31),
            seed=SEED + index,
            calendar=calendar,
        ):
            # The generator numbers from 1 for each call: the procedure makes the code unique.
            row["code"] = f"HD{YEAR}-{procedure.code}-{row['code'][2:]}"
            rows.append(row)
    return rows


def dossiers_load_demo(*, actor: Any = None) -> dict[str, Any]:
    """Load ≈ 5,000 synthetic dossiers of Hải Dương for 2023 and up to 300 ratings; idempotent.

    Needs the Hải Dương units and the sample procedure catalogue (``demo_load`` loads
    them first); raises ``ApplicationError`` (``demo.missing_procedures``) otherwise.
    Returns what the import did and how many ratings were added.
    """
    rows = _demo_rows()
    if Dossier.objects.filter(code__in=[row["code"] for row in rows]).count() == len(rows):
        # Already loaded: skip the import so that a second `make run` writes no audit row.
        return {"dossiers_created": 0, "dossiers_updated": 0, "dossiers_unchanged": len(rows),
                "dossiers_rejected": 0, "ratings_added": 0}  # fmt: skip
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FILE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    buffer.seek(0)
    summary = import_dossiers(stream=buffer, filename=f"demo-hai-duong-{YEAR}.csv", actor=actor)

    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    # A citizen rates when the result is returned, or within a few days of it.
    returned = {row["code"]: row["returned_at"] or row["resolved_at"] for row in rows if row["resolved_at"]}
    codes = list(returned)
    chosen = sorted(rng.sample(codes, min(RATINGS, len(codes))))
    rated = set(Rating.objects.filter(dossier__code__in=chosen).values_list("dossier__code", flat=True))
    known = set(Dossier.objects.filter(code__in=chosen).values_list("code", flat=True))
    added = 0
    for code in chosen:
        if code in rated or code not in known:
            continue
        # Mostly satisfied citizens, as in the published surveys; a few unhappy ones.
        scores = {c: rng.choices((0, 1, 2), weights=(1, 3, 8))[0] for c in RatingCriterion.values}
        when = dt.datetime.fromisoformat(returned[code]) + dt.timedelta(hours=rng.randint(1, 96))
        rating_submit(dossier_code=code, scores=scores, submitted_at=min(when, timezone.now()))
        added += 1
    return {
        "dossiers_created": summary.created,
        "dossiers_updated": summary.updated,
        "dossiers_unchanged": summary.unchanged,
        "dossiers_rejected": summary.rejected_count,
        "ratings_added": added,
    }
