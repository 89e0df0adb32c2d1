"""The site calendar (package + database overrides, cached) and the override services."""

import datetime as dt
import json
from pathlib import Path

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core import calendar
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.core.models import CalendarOverride
from cchc.core.services import (
    DEFAULT_OVERRIDES_PATH,
    calendar_override_delete,
    calendar_override_upsert,
    calendar_overrides_load_default,
)
from cchc.core.tests.test_workdays import FIRST, LAST, UNVERIFIED, _days, _expected_working

D = dt.date.fromisoformat
SOURCE = "Thông báo thử nghiệm số 1/TB-TEST"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """Tests change overrides without committing, so no on-commit clear runs: start clean."""
    calendar.work_calendar_clear()
    yield
    calendar.work_calendar_clear()


def _audit(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


# -- the site calendar -----------------------------------------------------------------


def test_with_the_shipped_overrides_every_day_2023_2026_is_right():
    calendar_overrides_load_default()
    cal = calendar.work_calendar()
    wrong = [
        day.isoformat()
        for day in _days(FIRST, LAST)
        if day not in UNVERIFIED and cal.is_working_day(day) != _expected_working(day)
    ]
    assert wrong == []


def test_without_overrides_only_the_new_year_2026_swap_is_missing():
    """The package brings its own worked Saturdays (4/5/2024, 26/4/2025, 22/8/2026) but not 1/2026."""
    cal = calendar.work_calendar()
    wrong = [
        day.isoformat()
        for day in _days(FIRST, LAST)
        if day not in UNVERIFIED and cal.is_working_day(day) != _expected_working(day)
    ]
    assert wrong == ["2026-01-02", "2026-01-10"]


def test_holiday_names_are_vietnamese():
    cal = calendar.work_calendar()
    assert cal.status(D("2023-01-22")).label == "Tết Nguyên Đán"
    assert cal.status(D("2023-05-02")).label == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"


def test_the_calendar_covers_2015_to_2040():
    cal = calendar.work_calendar()
    assert cal.is_working_day(D("2015-01-05")) is True
    assert cal.is_working_day(D("2040-06-12")) is True
    assert cal.is_working_day(D("2040-01-02")) is False  # 1/1/2040 is a Sunday: compensated on Monday
    with pytest.raises(ValueError, match="ngoài phạm vi"):
        cal.is_working_day(D("2041-01-02"))


def test_module_helpers_use_the_site_calendar():
    calendar_overrides_load_default()
    assert calendar.add_working_days(D("2023-01-19"), 1) == D("2023-01-27")
    assert calendar.working_days_between(D("2023-01-19"), D("2023-01-27")) == 1
    assert calendar.is_working_day(D("2026-01-10")) is True
    assert calendar.period_end(D("2026-01-03")) == D("2026-01-05")
    received = dt.datetime(2026, 1, 9, 15, 0, tzinfo=dt.UTC)  # 22:00 Friday in Hanoi
    assert calendar.due_date(received, 1) == D("2026-01-12")  # receipt Saturday 10/1 (worked)


def test_the_calendar_is_cached(django_assert_num_queries):
    first = calendar.work_calendar()
    with django_assert_num_queries(0):
        assert calendar.work_calendar() is first


def test_a_committed_change_clears_the_cache(django_capture_on_commit_callbacks):
    assert calendar.is_working_day(D("2024-06-12")) is True
    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_upsert(actor=None, date=D("2024-06-12"), kind="day_off", source=SOURCE)
    assert calendar.is_working_day(D("2024-06-12")) is False
    override = CalendarOverride.objects.get(date=D("2024-06-12"))
    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_delete(actor=None, override=override)
    assert calendar.is_working_day(D("2024-06-12")) is True


def test_the_cache_clears_only_on_commit(django_capture_on_commit_callbacks):
    """Until the transaction commits, other requests keep counting with the old calendar."""
    calendar.work_calendar()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_override_upsert(actor=None, date=D("2024-06-12"), kind="day_off", source=SOURCE)
    assert calendar.is_working_day(D("2024-06-12")) is True
    assert callbacks == [calendar.work_calendar_clear]


def test_an_old_cache_is_rebuilt(monkeypatch):
    """Other processes learn of a change when their copy expires."""
    calendar.work_calendar()
    CalendarOverride.objects.create(date=D("2024-06-12"), kind="day_off", source=SOURCE)
    assert calendar.is_working_day(D("2024-06-12")) is True
    monkeypatch.setattr(calendar, "CACHE_SECONDS", 0.0)
    assert calendar.is_working_day(D("2024-06-12")) is False


# -- calendar_override_upsert / delete -----------------------------------------------------


def test_upsert_creates_with_an_audit_row():
    override = calendar_override_upsert(
        actor=None, date=D("2026-08-22"), kind="workday", source=f"  {SOURCE} ", note=" làm bù "
    )
    assert (override.kind, override.source, override.note) == ("workday", SOURCE, "làm bù")
    (event,) = _audit("calendar_override.created")
    assert (event.object_type, event.object_id, event.unit_id, event.actor_label) == (
        "core.calendaroverride",
        str(override.pk),
        None,
        "hệ thống",
    )
    assert event.changes == {
        "date": [None, "2026-08-22"],
        "kind": [None, "workday"],
        "source": [None, SOURCE],
        "note": [None, "làm bù"],
    }


def test_upsert_updates_only_what_changed():
    calendar_override_upsert(actor=None, date=D("2026-08-22"), kind="workday", source=SOURCE)
    override = calendar_override_upsert(actor=None, date=D("2026-08-22"), kind="day_off", source=SOURCE, note="đổi ý")
    assert CalendarOverride.objects.count() == 1
    assert override.kind == "day_off"
    (event,) = _audit("calendar_override.updated")
    assert event.changes == {"kind": ["workday", "day_off"], "note": ["", "đổi ý"]}


def test_upsert_with_the_same_values_writes_nothing():
    calendar_override_upsert(actor=None, date=D("2026-08-22"), kind="workday", source=SOURCE)
    calendar_override_upsert(actor=None, date=D("2026-08-22"), kind="workday", source=SOURCE + " ")
    assert AuditEvent.objects.filter(object_type="core.calendaroverride").count() == 1


def test_delete_keeps_the_values_in_the_audit_row():
    override = calendar_override_upsert(actor=None, date=D("2026-08-22"), kind="workday", source=SOURCE)
    pk = override.pk
    calendar_override_delete(actor=None, override=override)
    assert not CalendarOverride.objects.exists()
    (event,) = _audit("calendar_override.deleted")
    assert event.object_id == str(pk)
    assert event.changes["kind"] == ["workday", None]
    assert event.changes["source"] == [SOURCE, None]


@pytest.mark.parametrize(
    ("fields", "message", "code"),
    [
        (
            {"source": "   "},
            "Cần ghi căn cứ (văn bản, thông báo) cho ngày điều chỉnh 22/08/2026.",
            "core.calendar_source_required",
        ),
        ({"source": None}, "Cần ghi căn cứ (văn bản, thông báo) cho ngày điều chỉnh 22/08/2026.", None),
        (
            {"kind": "holiday"},
            "Loại ngày điều chỉnh 22/08/2026 không hợp lệ: 'holiday' (chỉ nhận 'workday' hoặc 'day_off').",
            "core.calendar_invalid_kind",
        ),
        (
            {"date": D("2045-01-02")},
            "Ngày 02/01/2045 nằm ngoài phạm vi lịch làm việc (2015–2040).",
            "core.calendar_out_of_range",
        ),
        (
            {"date": dt.datetime(2026, 8, 22, 8, 0)},
            "Ngày điều chỉnh không hợp lệ: datetime.datetime(2026, 8, 22, 8, 0) (cần một ngày, không kèm giờ).",
            "core.calendar_invalid_date",
        ),
        (
            {"source": "x" * 501},
            "Căn cứ của ngày điều chỉnh 22/08/2026 dài 501 ký tự, vượt quá 500 ký tự.",
            "core.calendar_too_long",
        ),
        (
            {"note": "x" * 501},
            "Ghi chú của ngày điều chỉnh 22/08/2026 dài 501 ký tự, vượt quá 500 ký tự.",
            "core.calendar_too_long",
        ),
    ],
)
def test_upsert_refuses_bad_input(fields, message, code):
    arguments = {"date": D("2026-08-22"), "kind": "workday", "source": SOURCE, "note": "", **fields}
    with pytest.raises(ApplicationError) as excinfo:
        calendar_override_upsert(actor=None, **arguments)
    assert excinfo.value.message == message
    if code:
        assert excinfo.value.code == code
    assert not CalendarOverride.objects.exists()
    assert not AuditEvent.objects.exists()


def test_only_a_system_administrator_edits_the_calendar(tree):
    focal = make_user(role=Role.FOCAL_POINT, unit=tree.province)
    reform = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
    for user in (focal, reform, make_user()):
        with pytest.raises(PermissionDeniedError):
            calendar_override_upsert(actor=user, date=D("2026-08-22"), kind="workday", source=SOURCE)
        with pytest.raises(PermissionDeniedError):
            calendar_overrides_load_default(actor=user)
    admin = make_user(role=Role.SYSTEM_ADMIN, unit=tree.dept_a)
    override = calendar_override_upsert(actor=admin, date=D("2026-08-22"), kind="workday", source=SOURCE)
    with pytest.raises(PermissionDeniedError):
        calendar_override_delete(actor=focal, override=override)
    calendar_override_delete(actor=admin, override=override)
    events = _audit("calendar_override.created") + _audit("calendar_override.deleted")
    assert [e.actor_id for e in events] == [admin.pk, admin.pk]


def test_a_superuser_edits_the_calendar():
    user = make_user()
    user.is_superuser = True
    user.save()
    calendar_override_upsert(actor=user, date=D("2026-08-22"), kind="workday", source=SOURCE)
    assert CalendarOverride.objects.filter(date=D("2026-08-22")).exists()


# -- the shipped overrides ---------------------------------------------------------------


def test_load_default_is_idempotent():
    assert calendar_overrides_load_default() == {"created": 8, "updated": 0, "unchanged": 0}
    assert AuditEvent.objects.filter(action="calendar_override.created").count() == 8
    assert calendar_overrides_load_default() == {"created": 0, "updated": 0, "unchanged": 8}
    assert AuditEvent.objects.count() == 8
    assert dict(CalendarOverride.objects.values_list("date", "kind")) == {
        D("2024-04-29"): "day_off",
        D("2024-05-04"): "workday",
        D("2025-04-26"): "workday",
        D("2025-05-02"): "day_off",
        D("2026-01-02"): "day_off",
        D("2026-01-10"): "workday",
        D("2026-08-22"): "workday",
        D("2026-08-31"): "day_off",
    }


def test_load_default_restores_shipped_dates_and_leaves_others_alone():
    calendar_overrides_load_default()
    calendar_override_upsert(actor=None, date=D("2025-04-26"), kind="workday", source=SOURCE)
    calendar_override_upsert(actor=None, date=D("2024-06-12"), kind="day_off", source=SOURCE)
    assert calendar_overrides_load_default() == {"created": 0, "updated": 1, "unchanged": 7}
    assert CalendarOverride.objects.get(date=D("2025-04-26")).source.startswith("Công văn số 8726/VPCP-KGVX")
    assert CalendarOverride.objects.get(date=D("2024-06-12")).source == SOURCE


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "Không đọc được bad.json"),
        ('{"date": "2024-06-12"}', "bad.json phải là một danh sách các ngày điều chỉnh."),
        ('[{"date": "2024-06-12", "kind": "day_off"}]', "bad.json, mục 1: thiếu trường source."),
        (
            '[{"date": "2024-06-12", "kind": "day_off", "source": "x"}, '
            '{"date": "12/06/2024", "kind": "day_off", "source": "x"}]',
            "bad.json, mục 2: ngày không hợp lệ '12/06/2024' (định dạng YYYY-MM-DD).",
        ),
        (
            '[{"date": "2024-06-12", "kind": "day_off", "source": "x"}, '
            '{"date": "2024-06-12", "kind": "workday", "source": "x"}]',
            "bad.json: ngày bị lặp lại: 12/06/2024.",
        ),
        (
            '[{"date": "2024-06-11", "kind": "day_off", "source": "x"}, '
            '{"date": "2024-06-12", "kind": "day_off", "source": ""}]',
            "Cần ghi căn cứ (văn bản, thông báo) cho ngày điều chỉnh 12/06/2024.",
        ),
    ],
)
def test_a_bad_file_loads_nothing(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ApplicationError) as excinfo:
        calendar_overrides_load_default(path=path)
    assert excinfo.value.message.startswith(message)
    assert not CalendarOverride.objects.exists()


def test_the_shipped_file_is_complete_and_sourced():
    """Every entry is valid and sourced, and every Saturday the package says was worked in
    2023–2026 is in the file, so the file alone carries the swaps."""
    entries = json.loads(Path(DEFAULT_OVERRIDES_PATH).read_text(encoding="utf-8"))
    for entry in entries:
        assert set(entry) == {"date", "kind", "source", "note"}
        assert entry["kind"] in {"workday", "day_off"}
        assert len(entry["source"]) > 20
    shipped_workdays = {D(e["date"]) for e in entries if e["kind"] == "workday"}
    package_workdays = {d for d in calendar.statutory_calendar().weekend_workdays if 2023 <= d.year <= 2026}
    assert package_workdays <= shipped_workdays
