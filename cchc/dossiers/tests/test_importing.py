"""Importing dossiers: upsert by code, the computed clock, located rejections, whole batches."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError
from cchc.dossiers.choices import EventKind
from cchc.dossiers.importing import import_dossiers
from cchc.dossiers.models import Dossier, DossierEvent, DossierImport

pytestmark = pytest.mark.usefixtures("catalogue")

VN = ZoneInfo("Asia/Ho_Chi_Minh")
HEADER = "code,procedure_code,unit_code,channel,received_at,resolved_at,due_date,paid_online\n"
GOOD = (
    HEADER
    # Fri 2/2/2024 15:00 → starts Mon 5/2; 2 days: 6, 7/2 (Tết 8–14/2 after).
    + "HS1,TT2,U1,online,2024-02-02T15:00:00+07:00,,2024-02-07,1\n"
    # Tue 6/2 09:00, 2 days: 7/2, then Tết, 15/2; the source says 8/2: a disagreement.
    + "HS2,TT2,U2,counter,2024-02-06 09:00,2024-02-15 10:00,2024-02-08,0\n"
)


def _import(text: str, **kwargs):
    return import_dossiers(stream=io.StringIO(text), filename="hoso.csv", **kwargs)


def test_import_creates_then_reimport_is_unchanged_then_a_change_updates():
    """Same file twice: created, then unchanged (nothing written); a new resolved_at updates."""
    first = _import(GOOD)
    assert (first.created, first.updated, first.unchanged, first.rejected) == (2, 0, 0, [])
    hs1 = Dossier.objects.get(code="HS1")
    assert hs1.start_day == dt.date(2024, 2, 5)
    assert hs1.due_date == dt.date(2024, 2, 7)
    assert hs1.source_due_date == dt.date(2024, 2, 7)
    assert not hs1.due_disagrees
    assert hs1.paid_online
    assert (hs1.field, hs1.level, hs1.unit.code, hs1.procedure.code) == ("Hộ tịch", "commune", "U1", "TT2")
    hs2 = Dossier.objects.get(code="HS2")
    assert hs2.due_date == dt.date(2024, 2, 15)
    assert hs2.source_due_date == dt.date(2024, 2, 8)
    assert hs2.due_disagrees
    assert hs2.resolved_at == dt.datetime(2024, 2, 15, 10, 0, tzinfo=VN)
    assert list(DossierEvent.objects.filter(dossier=hs2).values_list("kind", flat=True)) == [
        EventKind.RECEIVED,
        EventKind.RESOLVED,
    ]

    second = _import(GOOD)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert Dossier.objects.get(code="HS2").updated_at == hs2.updated_at

    changed = GOOD.replace(
        "HS1,TT2,U1,online,2024-02-02T15:00:00+07:00,,",
        "HS1,TT2,U1,online,2024-02-02T15:00:00+07:00,2024-02-06T08:00:00+07:00,",
    )
    third = _import(changed)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    hs1 = Dossier.objects.get(code="HS1")
    assert hs1.resolved_at == dt.datetime(2024, 2, 6, 8, 0, tzinfo=VN)
    assert hs1.events.filter(kind=EventKind.RESOLVED).count() == 1
    assert Dossier.objects.count() == 2


def test_vietnamese_header_aliases_and_json_lines():
    """Vietnamese labels (any case, with or without diacritics) and JSON Lines read the same dossier."""
    csv_text = (
        "Mã hồ sơ;Mã thủ tục;Mã đơn vị;Kênh;Thời điểm tiếp nhận;Thoi diem giai quyet;Kết quả\n"
        "HS1;TT3;U1;trực tuyến;11/06/2024 14:59;14/06/2024 10:00;có kết quả\n"
    )
    summary = _import(csv_text)
    assert summary.created == 1, summary.rejected
    hs1 = Dossier.objects.get(code="HS1")
    assert (hs1.channel, hs1.outcome, hs1.due_date) == ("online", "result_issued", dt.date(2024, 6, 14))

    jsonl = (
        '{"code": "HS2", "procedure_code": "TT3", "unit_code": "U1", "channel": "post",'
        ' "received_at": "2024-06-11T15:00:00+07:00", "paused_working_days": 2, "digitized": true}\n'
        "\n"
        '{"mã hồ sơ": "HS1", "mã thủ tục": "TT3", "mã đơn vị": "U1", "kênh": "online",'
        ' "thời điểm tiếp nhận": "2024-06-11T07:59:00Z", "resolved_at": "2024-06-14T10:00:00+07:00",'
        ' "outcome": "result_issued"}\n'
    )
    summary = import_dossiers(stream=io.BytesIO(jsonl.encode()), filename="hoso.jsonl")
    assert (summary.created, summary.unchanged, summary.rejected) == (1, 1, [])
    hs2 = Dossier.objects.get(code="HS2")
    # 15:00 → Wed 12/6; 3 + 2 paused: 13, 14, 17, 18, 19/6.
    assert (hs2.start_day, hs2.due_date, hs2.digitized) == (dt.date(2024, 6, 12), dt.date(2024, 6, 19), True)


BAD = (
    HEADER
    + "OK1,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n"  # line 2
    + "B1,TT2,U1,online,2024-02-02T10:00:00+07:00,,\n"  # line 3: 7 cells
    + "B2,NOPE,U1,online,2024-02-02T10:00:00+07:00,,,\n"  # line 4
    + "B3,TT2,XX,online,2024-02-02T10:00:00+07:00,,,\n"  # line 5
    + "B4,TT2,U1,online,2024-02-02T10:00:00+07:00,2024-02-01T10:00:00+07:00,,\n"  # line 6
    + "B5,TT2,U1,fax,2024-02-02T10:00:00+07:00,,,\n"  # line 7
    + "OK1,TT2,U2,counter,2024-02-02T10:00:00+07:00,,,\n"  # line 8: duplicate of line 2
    + "B6,TT2,U1,online,30/02/2024 10:00,,,\n"  # line 9
    + "B7,TT2,U1,online,2024-02-02T10:00:00+07:00,,,maybe\n"  # line 10
    + 'B8,TT2,U1,online,"2024-02-02"x,,,\n'  # line 11: broken quoting
    + "OK2,TT3,U2,post,2024-02-05T10:00:00+07:00,,,\n"  # line 12
)


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        (3, None, "7 ô"),
        (4, "procedure_code", "không có thủ tục mã 'NOPE'"),
        (5, "unit_code", "không có đơn vị mã 'XX'"),
        (6, "resolved_at", "thời điểm giải quyết trước thời điểm tiếp nhận"),
        (7, "channel", "'fax' không hợp lệ"),
        (8, "code", "trùng với dòng 2"),
        (9, "received_at", "không hợp lệ"),
        (10, "paid_online", "'maybe' không hợp lệ"),
        (11, None, "CSV không hợp lệ"),
    ],
)
def test_each_bad_row_is_rejected_with_line_column_and_reason_and_the_rest_is_stored(line, column, words):
    """Every malformed or impossible row is rejected alone, located; the good rows around it are stored."""
    summary = _import(BAD)
    assert summary.created == 2
    assert set(Dossier.objects.values_list("code", flat=True)) == {"OK1", "OK2"}
    assert [number for number, _reason in summary.rejected] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    reason = dict(summary.rejected)[line]
    assert reason.startswith(f"hoso.csv, dòng {line}")
    if column:
        assert f"cột {column}" in reason
    assert words in reason
    assert Dossier.objects.get(code="OK1").unit.code == "U1"  # the duplicate did not overwrite it


def test_a_broken_header_writes_nothing():
    """An unknown column is a file error naming line and column; no run, no dossier."""
    with pytest.raises(ApplicationError) as caught:
        _import("code,procedure_code,unit_code,channel,received_at,colour\nA,TT1,U1,online,2024-02-02T10:00\n")
    assert caught.value.code == "dossiers.invalid_file"
    assert "hoso.csv, dòng 1, cột 6 (colour)" in caught.value.message
    assert not Dossier.objects.exists()
    assert not DossierImport.objects.exists()


def test_batches_commit_separately_and_audit_once_each():
    """batch_size=2: a bad row in the second batch loses nothing; one audit row per batch."""
    text = (
        HEADER
        + "A,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n"
        + "B,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n"
        + "C,TT2,NOPE,online,2024-02-02T10:00:00+07:00,,,\n"
        + "D,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n"
        + "E,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n"
    )
    seen = []
    summary = _import(text, batch_size=2, progress=lambda s: seen.append((s.rows_read, s.created)))
    assert (summary.created, summary.batches, summary.rejected_count) == (4, 3, 1)
    assert seen == [(2, 2), (4, 3), (5, 4)]
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["A", "B", "D", "E"]
    run = DossierImport.objects.get()
    assert (run.batches, run.created, run.rejected, run.finished_at is not None) == (3, 4, 1, True)
    audits = AuditEvent.objects.filter(action="dossier_import.batch").order_by("id")
    assert audits.count() == 3
    assert audits[1].changes["rejected"] == [0, 1]
    assert audits[1].changes["created"] == [2, 3]


def test_a_killed_import_leaves_only_whole_batches(monkeypatch):
    """A crash while writing the second batch rolls that batch back; the first stays."""
    from cchc.dossiers import importing

    calls = {"n": 0}
    real = importing.DossierEvent.objects.bulk_create

    def crash_on_second(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(importing.DossierEvent.objects, "bulk_create", crash_on_second)
    text = HEADER + "".join(f"K{i},TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n" for i in range(5))
    with pytest.raises(RuntimeError):
        _import(text, batch_size=2)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["K0", "K1"]
    assert DossierEvent.objects.count() == 2
    run = DossierImport.objects.get()
    assert (run.batches, run.created, run.finished_at) == (1, 2, None)
    assert AuditEvent.objects.filter(action="dossier_import.batch").count() == 1


def test_a_non_utf8_line_is_rejected_alone():
    """A line in another encoding is rejected with its number; the rest is read."""
    data = (
        HEADER.encode()
        + b"H\xe91,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n"  # Latin-1 "é"
        + b"OK,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n"
    )
    summary = import_dossiers(stream=io.BytesIO(b"\xef\xbb\xbf" + data), filename="hoso.csv")
    assert summary.created == 1
    assert summary.rejected[0][0] == 2
    assert "UTF-8" in summary.rejected[0][1]


def test_the_import_clock_memo_gives_exactly_the_sla_clock():
    """ClockMemo (one clock per local day × cut-off side × limit × pause) equals sla.start_day/due_date.

    Around 15:00, weekends, Tết 2024 and the regime change of 1/7/2025, for moments given in
    local time and in UTC, with and without pauses; the second pass is answered from the memo.
    """
    from cchc.core.calendar import work_calendar
    from cchc.dossiers import sla

    calendar = work_calendar()
    memo = sla.ClockMemo(calendar)
    days = [dt.date(2024, 2, 2) + dt.timedelta(days=n) for n in range(16)]
    days += [dt.date(2025, 6, 27) + dt.timedelta(days=n) for n in range(6)]
    times = [dt.time(0, 0), dt.time(14, 59, 59), dt.time(15, 0), dt.time(23, 59)]
    moments = [dt.datetime.combine(day, time, tzinfo=VN) for day in days for time in times]
    moments += [moment.astimezone(dt.UTC) for moment in moments[::3]]
    for _pass in range(2):
        for moment in moments:
            for limit, paused in ((0, 0), (2, 0), (5, 3), (30, 0)):
                expected = (
                    sla.start_day(moment, calendar),
                    sla.due_date(moment, limit, calendar, paused),
                )
                assert memo.clock(moment, limit, paused) == expected, (moment, limit, paused)
    with pytest.raises(ValueError, match="múi giờ"):
        memo.clock(dt.datetime(2024, 2, 2, 9, 0), 2)


def test_the_import_restores_the_sqlite_page_cache_it_enlarged():
    """The bulk session's larger SQLite page cache is the import's only: the connection gets its own back."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        assert _import(GOOD).created == 2
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == before
