"""The counters' day rows become an array in each month row (ADR 0010, docs/dossiers.md "Aggregates").

Forwards: the ``days`` column, then every counter rebuilt from the stored dossiers (the
day rows go with the old counters). Backwards: each month row's array is expanded into
day rows (grain ``D``) again before the column goes, so the previous code finds the
layout it wrote; the totals are unchanged.
"""

import datetime as dt

from django.db import migrations, models

_COLUMNS = (
    "received", "received_online", "resolved_early", "resolved_on_time", "resolved_late", "overdue",
    "paid_online", "digitized", "electronic_result", "late_apologized",
)  # fmt: skip


def _rebuild_counters(apps, schema_editor):
    """Month arrays and totals, year totals, from the dossiers (none on a new database)."""
    from cchc.dossiers.aggregates import dossier_aggregates_recompute

    dossier_aggregates_recompute(dossier_model=apps.get_model("dossiers", "Dossier"))


def _expand_day_rows(apps, schema_editor):
    """Day rows from the month rows' arrays, as the layout before this migration stored them."""
    from cchc.dossiers.counter_store import MONTH_SLOTS, decode_days

    count_model = apps.get_model("dossiers", "DossierCount")
    width = len(_COLUMNS)
    day_rows = []
    months = count_model.objects.filter(grain="M").values_list("day", "unit_id", "field", "level", "days")
    for first, unit_id, field, level, data in months.iterator():
        deltas = decode_days(data)
        for slot in range(MONTH_SLOTS):
            values = deltas[slot * width : (slot + 1) * width]
            if any(values):
                day = first + dt.timedelta(days=slot)
                fields = dict(zip(_COLUMNS, values, strict=True))
                day_rows.append(
                    count_model(grain="D", day=day, unit_id=unit_id, field=field, level=level, days=b"", **fields)
                )
    count_model.objects.bulk_create(day_rows, batch_size=5_000)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_checked_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossiercount",
            name="days",
            field=models.BinaryField(blank=True, default=b"", verbose_name="số liệu từng ngày trong tháng"),
        ),
        migrations.AlterField(
            model_name="dossiercount",
            name="grain",
            field=models.CharField(choices=[("M", "tháng"), ("Y", "năm")], max_length=1, verbose_name="độ chi tiết"),
        ),
        migrations.RunPython(_rebuild_counters, _expand_day_rows),
    ]
