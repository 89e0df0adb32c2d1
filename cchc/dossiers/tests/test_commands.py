"""The ``import_dossiers`` and ``dossier_stats`` commands on hand-built files."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.dossiers import sla
from cchc.dossiers.models import Dossier
from cchc.dossiers.selectors import dossier_facts_for_period, dossier_stats
from cchc.dossiers.tests.test_sla import APOLOGY, EXPECTED_TOTAL, EXPECTED_U1, EXPECTED_U2, FROM, ROWS, TO, _dossiers

pytestmark = pytest.mark.usefixtures("catalogue")


def _february_file() -> str:
    """The 18 dossiers of test_sla.ROWS (February 2024, across Tết), as an export would give them."""
    lines = ["code,procedure_code,unit_code,channel,received_at,resolved_at,paused_working_days,apology_new_due_date"]
    for code, unit, channel, received, limit, paused, _due, resolved in ROWS:
        apology = APOLOGY[code].isoformat() if code in APOLOGY else ""
        lines.append(f"{code},TT{limit},{unit},{channel},{received},{resolved or ''},{paused},{apology}")
    return "\n".join(lines) + "\n"


def _as_json(stats: sla.Stats) -> dict:
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in stats.as_dict().items()}


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_exit_status_zero_when_every_row_is_accepted(write_file):
    """All rows accepted: a summary on stdout and a normal return (exit status 0)."""
    out, _err = _run("import_dossiers", str(write_file(_february_file())), "--batch-size", "5")
    assert "tạo 18, cập nhật 0, không đổi 0, từ chối 0 (4 lô)" in out
    assert Dossier.objects.count() == 18


def test_import_exit_status_one_when_some_rows_are_rejected(write_file):
    """A rejected row: the summary and the located reason are still printed, then exit status 1."""
    text = _february_file().replace("A3,TT5,U1", "A3,TT5,NOPE")
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import_dossiers", str(write_file(text)), stdout=out, stderr=err)
    assert exited.value.code == 1
    assert "tạo 17, cập nhật 0, không đổi 0, từ chối 1" in out.getvalue()
    assert "hoso.csv, dòng 4, cột unit_code: không có đơn vị mã 'NOPE'." in err.getvalue()
    assert Dossier.objects.count() == 17


def test_import_of_a_broken_file_is_a_command_error(write_file):
    """A file whose header cannot be read fails as a whole: CommandError, nothing written."""
    with pytest.raises(CommandError):
        _run("import_dossiers", str(write_file("code;procedure_code\nA;TT1\n")))
    assert not Dossier.objects.exists()


def test_stored_due_dates_are_the_hand_computed_ones(write_file):
    """Every imported dossier's due date is the one written by hand in test_sla.ROWS."""
    _run("import_dossiers", str(write_file(_february_file())))
    due = dict(Dossier.objects.values_list("code", "due_date"))
    assert due == {row[0]: dt.date.fromisoformat(row[6]) for row in ROWS}


def test_dossier_stats_json_matches_the_hand_count_and_period_stats(write_file):
    """February 2024 across Tết: the JSON figures are the hand count, and equal sla.period_stats."""
    _run("import_dossiers", str(write_file(_february_file())))
    out, _err = _run("dossier_stats", "--from", "2024-02-01", "--to", "2024-02-29", "--format", "json")
    data = json.loads(out)
    assert data == {
        "total": _as_json(EXPECTED_TOTAL),
        "units": {"U1": _as_json(EXPECTED_U1), "U2": _as_json(EXPECTED_U2)},
    }
    assert list(data["total"]) == list(sla.Stats().as_dict())
    assert data["total"]["on_time_rate"] == 70.0
    # The same facts straight from the hand-built list, and from the stored rows.
    assert sla.period_stats(_dossiers(), FROM, TO) == EXPECTED_TOTAL
    stored = list(dossier_facts_for_period(date_from=FROM, date_to=TO))
    assert sla.period_stats(stored, FROM, TO) == EXPECTED_TOTAL
    # Only the dossiers that can count are read: not A1, A14, A17.
    assert sorted(f.code for f in stored) == sorted({row[0] for row in ROWS} - {"A1", "A14", "A17"})


def test_dossier_stats_for_one_unit_and_as_text(write_file):
    """--unit restricts to that unit's dossiers; the text format names every key."""
    _run("import_dossiers", str(write_file(_february_file())))
    out, _err = _run("dossier_stats", "--from", "2024-02-01", "--to", "2024-02-29", "--unit", "U2")
    assert json.loads(out) == {"total": _as_json(EXPECTED_U2), "units": {"U2": _as_json(EXPECTED_U2)}}
    text, _err = _run("dossier_stats", "--from", "2024-02-01", "--to", "2024-02-29", "--format", "text")
    assert "received=10" in text
    assert "on_time_rate=70.00" in text
    assert dossier_stats(date_from=FROM, date_to=TO).units["U1"] == EXPECTED_U1


def test_dossier_stats_rejects_bad_arguments():
    """An unknown unit or a reversed period is a command error, not an empty table."""
    with pytest.raises(CommandError, match="NOPE"):
        _run("dossier_stats", "--from", "2024-02-01", "--to", "2024-02-29", "--unit", "NOPE")
    with pytest.raises(CommandError):
        _run("dossier_stats", "--from", "2024-03-01", "--to", "2024-02-01")
