"""Importing dossiers: upsert by code, the computed clock, located rejections, whole batches."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError
from cchc.dossiers.aggregates import aggregate_rows, expected_aggregate_rows
from cchc.dossiers.choices import EventKind
from cchc.dossiers.importing import dossier_event_log, import_dossiers
from cchc.dossiers.models import Dossier, DossierCount, DossierEvent, DossierImport

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
    # Received and resolved are the dossier's columns: shown in its log, not stored as events.
    assert [step.kind for step in dossier_event_log(dossier=hs2)] == [EventKind.RECEIVED, EventKind.RESOLVED]
    assert not DossierEvent.objects.exists()

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
    # A newly set resolution is a step of the log, not a correction.
    assert [step.kind for step in dossier_event_log(dossier=hs1)] == [EventKind.RECEIVED, EventKind.RESOLVED]
    assert not DossierEvent.objects.exists()
    assert Dossier.objects.count() == 2

    moved = changed.replace("2024-02-06T08:00:00+07:00", "2024-02-06T11:00:00+07:00")
    assert _import(moved).updated == 1
    [correction] = DossierEvent.objects.filter(dossier__code="HS1")
    assert (correction.kind, correction.note) == (EventKind.CORRECTED, "Cập nhật từ tệp nhập: resolved_at")
    assert [step.kind for step in dossier_event_log(dossier=hs1)] == [
        EventKind.RECEIVED,
        EventKind.RESOLVED,
        EventKind.CORRECTED,
    ]


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
    """A crash while writing the second batch's counters rolls that batch back; the first stays, counted."""
    from cchc.dossiers import importing

    calls = {"n": 0}
    real = importing.write_month_rows

    def crash_on_second(rows):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("killed")
        return real(rows)

    monkeypatch.setattr(importing, "write_month_rows", crash_on_second)
    text = HEADER + "".join(f"K{i},TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n" for i in range(5))
    with pytest.raises(RuntimeError):
        _import(text, batch_size=2)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["K0", "K1"]
    assert aggregate_rows() == expected_aggregate_rows()
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


# -- the fast path and the checked path --------------------------------------------------------

#: Every column, in an unusual order (the fast parser reads the cells by position).
ALL_COLUMNS = (
    "unit_code,code,received_at,channel,procedure_code,resolved_at,returned_at,outcome,paused_working_days,"
    "due_date,paid_online,digitized,electronic_result,supplement_requested_at,apology_new_due_date,"
    "apology_sent_on,handling_unit_codes"
)
#: Rows in the usual spellings (the fast path takes them), in other spellings the checked path reads
#: (aliases, stray spaces, other time formats), impossible ones (rejected), and the odd blank line.
SPELLINGS = [
    "U1,F1,2024-02-06T09:00:00+07:00,online,TT2,2024-02-15T10:00:00+07:00,2024-02-16T08:00:00+07:00,result_issued,0,2024-02-15,1,0,1,,,,",
    "U2,F2,2024-02-02T15:00:00+07:00,counter,TT3,,,,2,,0,1,0,,,,",  # 15:00 on a Friday
    "U3,F3,2024-02-02T07:59:59Z,post,TT5,2024-02-20T01:00:00Z,,refused,0,02/03/2024,0,0,0,,,,",  # Z: 14:59:59 local
    "U1,F4,2024-02-02T08:00:00+00:00,online,TT0,,,,0,,true,false,false,,,,",  # 15:00 local
    "U2,F5,2024-02-10 09:30:00,online,TT1,2024-02-15 09:00:00,,withdrawn,,2024-02-15,1,1,1,,,,U3",  # Tết, naive
    "U3,F6,06/02/2024 16:45:10,counter,TT10,,,,,,0,0,0,06/02/2024 17:00:00,,,U1",  # VN format
    "U1,F7,2024-06-28T16:00:00+07:00,online,TT7,2024-07-15T09:00:00+07:00,,result_issued,0,,0,0,0,2024-07-01T10:00:00+07:00,2024-07-20,2024-07-02,",
    "U2,F8,2025-06-30T15:30:00+07:00,counter,TT2,,,,0,,0,0,0,,,,",  # the last day of the old regime
    "U3,F9,2025-07-01T09:00:00+07:00,online,TT30,2025-08-01T09:00:00+07:00,,stopped,5,,1,1,1,,,,",
    # Other spellings of good rows: the checked path.
    "U1,S1,2024-02-06 09:00,trực tuyến,TT2,,,,,,có,không,x,,,,",
    "U1, S2 ,2024-02-06T09:00:00.250+07:00,online,TT2,2024-02-07T09:00:00+0700,,có kết quả,0005,2024-2-7,1,0,0,,,,",
    "U2,S3,6/2/2024 9:00,bưu chính,TT3,,,,,,0,0,0,,,,U1|U3",
    "U3,S4,2024-02-06T09:00:00+07:00,online,TT2, ,,,,,1,1,1,,,,",
    "U3,S5,2024-02-06T09:00:00+07:00, online,TT2,,,,,,1 ,1,1,,,,",
    " U3,S6,2024-02-06T09:00:00+05:00,online,TT2,,,,,,1,1,1,,,,",
    # Rejected: each for its own reason.
    "U1,R1,2024-02-06T09:00:00+07:00,online,TT2,2024-02-05T09:00:00+07:00,,,,,,,,,,,",
    "U1,R2,2024-02-06T09:00:60+07:00,online,TT2,,,,,,,,,,,,",
    "U1,R3,2024-02-06T09:00:00+07:00,online,TT2,,2024-02-06T08:00:00+07:00,,,,,,,,,,",
    "U1,R4,2024-02-06T09:00:00+07:00,online,TT2,,,,2501,,,,,,,,",
    "U1,R5,2024-02-06T09:00:00+07:00,online,TT2,,,,,2024-02-30,,,,,,,",
    "U1,R6,2024-02-06T09:00:00+07:00,online,TT2,,,,,,,,,,2024-02-07,,",
    "U1,R7,2024-02-06T09:00:00+07:00,online,TT2,,,,,,,,,,,2024-02-07,",
    "U1,R8,2014-02-06T09:00:00+07:00,online,TT2,,,,,,,,,,,,",  # outside the calendar
    "U1,R9,2024-02-06T09:00:00+07:00,online,TT2,2024-02-07T09:00:00+07:00,,,,,,,,2024-02-08T09:00:00+07:00,,,",
    "U1,R10,2024-02-06T09:00:00+07:00,online,TT2,,,,,,,,,,,,U9",
    "U1,,2024-02-06T09:00:00+07:00,online,TT2,,,,,,,,,,,,",
    "U1,T1,2024-02-07T09:00:00+07:00,online,TT2,,,,,,,,,,,,",
    ",,,,,,,,,,,,,,,,",  # blank: skipped, not counted
    "U1,T1,2024-02-08T09:00:00+07:00,online,TT2,,,,,,,,,,,,,,",  # two blank trailing cells; T1 again in the batch
]


def _spellings_file() -> str:
    return ALL_COLUMNS + "\n" + "\n".join(SPELLINGS) + "\n"


def _stored_state() -> tuple[list[tuple], dict, list[tuple]]:
    """Every dossier's stored values (not its time stamps), the counters and the events, comparable across imports."""
    from cchc.dossiers.stored_rows import STORED_COLUMNS

    dossiers = list(Dossier.objects.order_by("code").values_list(*STORED_COLUMNS))
    events = list(DossierEvent.objects.order_by("dossier__code", "id").values_list("dossier__code", "kind", "note"))
    return dossiers, aggregate_rows(), events


def _without_fast_path(monkeypatch) -> None:
    from cchc.dossiers.stored_rows import FastRowParser

    monkeypatch.setattr(FastRowParser, "_compile", lambda self: lambda cells: None)


def test_the_fast_path_and_the_checked_path_store_and_reject_exactly_the_same(monkeypatch):
    """The same file through the fast parser and through the checked path only: same rows, counters, rejections."""
    fast = _import(_spellings_file(), batch_size=7)
    fast_state = _stored_state()
    Dossier.objects.all().delete()
    DossierCount.objects.all().delete()
    _without_fast_path(monkeypatch)
    checked = _import(_spellings_file(), batch_size=7)
    assert _stored_state() == fast_state
    assert checked.rejected == fast.rejected
    assert (checked.created, checked.rejected_count, checked.rows_read) == (fast.created, fast.rejected_count, 28)
    assert fast.created == 16
    assert [line for line, _reason in fast.rejected] == [*range(17, 28), 30]
    assert "dòng 30, cột code: mã hồ sơ 'T1' trùng với dòng 28 trong cùng lô" in fast.rejected[-1][1]


def test_the_fast_parser_takes_the_usual_spellings_and_gives_the_checked_values():
    """Row by row: the fast row equals the checked path's stored row; every usual spelling is taken."""
    from cchc.dossiers.import_reading import load_catalogue
    from cchc.dossiers.io import RawRecord, parse_record, read_dossier_file
    from cchc.dossiers.stored_rows import FastRowParser, stored_row

    catalogue = load_catalogue(None)
    rows = read_dossier_file(io.StringIO(_spellings_file()), "hoso.csv")
    parser = FastRowParser(rows.keys, procedures=catalogue.procedures, units=catalogue.units, clock=catalogue.clock)
    taken = []
    for number, cells in enumerate(rows.reader, start=2):
        fast = parser.parse(list(cells)) if len(cells) == parser.width else None
        record = rows.record(number, cells)
        checked = (
            parse_record(record, procedures=catalogue.procedures, units=catalogue.units, calendar=catalogue.calendar)
            if isinstance(record, RawRecord)
            else None
        )
        if fast is not None:
            taken.append(fast[0])
            assert fast == stored_row(checked), number
    assert taken[:9] == [f"F{n}" for n in range(1, 10)]
    assert not any(code.startswith(("S", "R")) for code in taken)


def test_randomly_respelled_synthetic_rows_read_the_same_on_both_paths():
    """400 synthetic dossiers across the regime change, each cell spelled at random: fast = checked, row by row."""
    import csv
    import random

    from cchc.core.calendar import work_calendar
    from cchc.dossiers.import_reading import load_catalogue
    from cchc.dossiers.io import RawRecord, parse_record, read_dossier_file
    from cchc.dossiers.stored_rows import FastRowParser, stored_row
    from cchc.dossiers.synthetic import FILE_COLUMNS, generate_dossier_rows, synthetic_procedures, synthetic_units
    from cchc.organizations.tests.factories import make_unit
    from cchc.procedures.tests.factories import make_procedure

    units, procedures = synthetic_units(4), synthetic_procedures(6, seed=9)
    for unit in units:
        make_unit(code=unit.code)
    for p in procedures:
        make_procedure(code=p.code, time_limit_days=p.time_limit_days, field=p.field, level=p.level)
    rng = random.Random(4)

    def respell_time(text: str) -> str:
        moment = dt.datetime.fromisoformat(text)
        return rng.choice(
            [
                text,
                moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                moment.astimezone(dt.UTC).isoformat(),
                moment.strftime("%Y-%m-%d %H:%M:%S"),
                moment.strftime("%d/%m/%Y %H:%M:%S"),
                moment.strftime("%d/%m/%Y %H:%M"),
                moment.astimezone(dt.timezone(dt.timedelta(hours=9))).isoformat(),
            ]
        )

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [*FILE_COLUMNS, "electronic_result", "supplement_requested_at", "apology_sent_on", "handling_unit_codes"]
    writer.writerow(columns)
    rows = generate_dossier_rows(
        units=units,
        procedures=procedures,
        count=400,
        date_from=dt.date(2025, 5, 1),
        date_to=dt.date(2025, 8, 31),
        seed=9,
        calendar=work_calendar(),
    )
    for row in rows:
        for key in ("received_at", "resolved_at", "returned_at"):
            if row[key]:
                row[key] = respell_time(row[key])
        row["paid_online"] = rng.choice([row["paid_online"], "true" if row["paid_online"] == "1" else "false", "có"])
        row["channel"] = rng.choice([row["channel"]] * 4 + ["trực tuyến"])
        if row["apology_new_due_date"] and rng.random() < 0.5:
            row["apology_sent_on"] = row["received_at"][:10] if row["received_at"][4] == "-" else ""
        row["electronic_result"] = rng.choice(["", "0", "1", "true"])
        row["handling_unit_codes"] = rng.choice(["", "", units[0].code, f"{units[1].code}|{units[2].code}"])
        writer.writerow([row.get(key, "") for key in columns])
    catalogue = load_catalogue(None)
    source = read_dossier_file(io.StringIO(out.getvalue()), "syn.csv")
    parser = FastRowParser(source.keys, procedures=catalogue.procedures, units=catalogue.units, clock=catalogue.clock)
    taken = 0
    for number, cells in enumerate(source.reader, start=2):
        record = source.record(number, cells)
        assert isinstance(record, RawRecord)
        checked = parse_record(
            record, procedures=catalogue.procedures, units=catalogue.units, calendar=catalogue.calendar
        )
        fast = parser.parse(list(cells))
        if fast is not None:
            taken += 1
            assert fast == stored_row(checked), (number, cells)
    assert taken > 40  # about a sixth of the rows keep the usual spelling in every cell


def test_a_file_read_by_a_second_process_imports_exactly_as_in_one(tmp_path, monkeypatch):
    """parallel=True (a forked reader) and parallel=False give the same dossiers, counters, rejections, runs."""
    path = tmp_path / "hoso.csv"
    path.write_text(_spellings_file(), encoding="utf-8")
    seen: list[tuple[int, int]] = []
    one = import_dossiers(path=path, batch_size=7, parallel=False)
    state = _stored_state()
    Dossier.objects.all().delete()
    DossierCount.objects.all().delete()
    two = import_dossiers(
        path=path, batch_size=7, parallel=True, progress=lambda s: seen.append((s.rows_read, s.batches))
    )
    assert _stored_state() == state
    assert (two.created, two.rejected, two.batches) == (one.created, one.rejected, one.batches)
    assert seen == [(7, 1), (14, 2), (21, 3), (28, 4)]
    assert import_dossiers(path=path, batch_size=7, parallel=True).unchanged == one.created


def test_an_error_in_the_reading_process_stops_the_import_after_whole_batches(tmp_path, monkeypatch):
    """The reader's exception is raised here; the batches written before it stay, the run is left unfinished."""
    from cchc.dossiers import import_reading

    real = import_reading.check_record

    def fail_on_r5(record, catalogue):
        if record.values.get("code") == "R5":
            raise ZeroDivisionError("boom")
        return real(record, catalogue)

    monkeypatch.setattr(import_reading, "check_record", fail_on_r5)
    path = tmp_path / "hoso.csv"
    path.write_text(_spellings_file(), encoding="utf-8")
    with pytest.raises(ZeroDivisionError, match="boom"):
        import_dossiers(path=path, batch_size=7, parallel=True)
    run = DossierImport.objects.get()
    assert (run.batches, run.finished_at) == (2, None)
    assert Dossier.objects.count() == run.created == 14
    assert aggregate_rows() == expected_aggregate_rows()


def test_a_chunk_with_known_codes_upserts_them_and_inserts_the_new_ones():
    """New, unchanged and changed codes mixed in one chunk: each counted once, counters exact, one correction."""
    _import(GOOD)
    mixed = (
        GOOD.replace(",2024-02-07,1\n", ",2024-02-07,0\n")  # HS1 no longer paid online
        + "HS3,TT3,U3,post,2024-02-06T10:00:00+07:00,,,0\n"
    )
    summary = _import(mixed)
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    assert not Dossier.objects.get(code="HS1").paid_online
    assert list(DossierEvent.objects.values_list("dossier__code", "note")) == [
        ("HS1", "Cập nhật từ tệp nhập: paid_online")
    ]
    assert aggregate_rows() == expected_aggregate_rows()


def test_line_numbers_stay_physical_after_a_quoted_cell_over_two_lines():
    """A code quoted over two lines is read by the checked path; the next rows keep their physical line."""
    text = (
        HEADER
        + '"HS\n1",TT2,U1,online,2024-02-02T10:00:00+07:00,,,\n'  # lines 2–3
        + "HS2,NOPE,U1,online,2024-02-02T10:00:00+07:00,,,\n"  # line 4
        + "HS3,TT2,U1,online,2024-02-02T10:00:00+07:00,,,\r\n"  # line 5, CRLF
    )
    summary = _import(text)
    assert summary.created == 2
    assert [line for line, _reason in summary.rejected] == [4]
    assert Dossier.objects.filter(code="HS\n1").exists()


def test_a_reading_process_that_dies_is_reported_and_the_written_batches_stay(tmp_path, monkeypatch):
    """A reader killed without a word (here it exits at R5) raises a RuntimeError; whole batches only."""
    import os

    from cchc.dossiers import import_reading

    real = import_reading.check_record

    def die_on_r5(record, catalogue):
        if record.values.get("code") == "R5":
            os._exit(3)
        return real(record, catalogue)

    monkeypatch.setattr(import_reading, "check_record", die_on_r5)
    path = tmp_path / "hoso.csv"
    path.write_text(_spellings_file(), encoding="utf-8")
    with pytest.raises(RuntimeError, match="exit code 3"):
        import_dossiers(path=path, batch_size=7, parallel=True)
    assert DossierImport.objects.get().batches == 2
    assert aggregate_rows() == expected_aggregate_rows()


def test_a_unit_or_procedure_with_dossiers_cannot_be_deleted():
    """The keys are checked by the import, not by the database (ADR 0006); deleting what they point to still fails.

    PROTECT is Django's deletion collector: it finds the dossiers (and the unit's counters)
    and refuses, and nothing is deleted.
    """
    from django.db.models import ProtectedError

    from cchc.organizations.models import OrgUnit
    from cchc.procedures.models import Procedure

    assert _import(GOOD).created == 2
    with pytest.raises(ProtectedError) as refused:
        OrgUnit.objects.get(code="U1").delete()
    blockers = {type(obj) for obj in refused.value.protected_objects}
    assert {Dossier, DossierCount} <= blockers
    with pytest.raises(ProtectedError) as refused:
        Procedure.objects.get(code="TT2").delete()
    assert {obj.code for obj in refused.value.protected_objects} == {"HS1", "HS2"}
    assert OrgUnit.objects.filter(code="U1").exists()
    assert Procedure.objects.filter(code="TT2").exists()
    assert Dossier.objects.count() == 2


def test_the_import_calendar_reads_spans_off_its_table_exactly_as_the_calendar_walks_them():
    """``_MemoCalendar.add_working_days`` (a table of working days) equals the walk, Tết and the years' ends too."""
    from cchc.core.calendar import work_calendar
    from cchc.core.workdays import CalendarRangeError
    from cchc.dossiers.import_reading import _memo_calendar

    plain = work_calendar()
    table = _memo_calendar(plain)
    starts = [dt.date(2023, 1, 1) + dt.timedelta(days=days) for days in range(0, 800, 3)]
    starts += [dt.date(2015, 1, 1), dt.date(2040, 12, 1), dt.date(2040, 12, 28), dt.date(2041, 1, 2)]
    for start in starts:
        for n in (0, 1, 2, 5, 15, 40):
            try:
                expected = plain.add_working_days(start, n)
            except CalendarRangeError:
                with pytest.raises(CalendarRangeError):
                    table.add_working_days(start, n)
                continue
            assert table.add_working_days(start, n) == expected, (start, n)
    assert table.add_working_days(dt.date(2023, 1, 19), 1) == dt.date(2023, 1, 27)  # over Tết 2023
