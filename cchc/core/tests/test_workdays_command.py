"""``manage.py workdays``: what an administrator types and reads."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cchc.core import calendar
from cchc.core.services import calendar_overrides_load_default

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar.work_calendar_clear()
    yield
    calendar.work_calendar_clear()


def run(*args: str) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_add_prints_the_date_n_working_days_later():
    assert run("add", "2023-01-19", "1") == "2023-01-27\n"


def test_between_prints_the_count():
    assert run("between", "2023-01-19", "2023-01-27") == "1\n"
    assert run("between", "2023-01-27", "2023-01-19") == "0\n"


def test_add_zero_prints_the_start():
    assert run("add", "2024-06-15", "0") == "2024-06-15\n"


def test_the_shipped_overrides_count():
    """Saturday 10/1/2026 is worked only once the shipped overrides are loaded."""
    assert run("add", "2026-01-09", "1") == "2026-01-12\n"
    calendar_overrides_load_default()
    calendar.work_calendar_clear()  # the test transaction never commits
    assert run("add", "2026-01-09", "1") == "2026-01-10\n"
    assert run("add", "2025-04-25", "1") == "2025-04-26\n"
    assert run("between", "2025-12-31", "2026-01-10") == "6\n"  # 5–9/1 and Saturday 10/1


def test_is_explains_an_override_with_its_source():
    calendar_overrides_load_default()
    calendar.work_calendar_clear()
    assert run("is", "2025-04-26") == (
        "2025-04-26 (thứ Bảy): ngày làm việc – ngày điều chỉnh theo Công văn số 8726/VPCP-KGVX ngày 26/11/2024 "
        "của Văn phòng Chính phủ về việc nghỉ Tết Âm lịch và một số dịp nghỉ lễ năm 2025; Thông báo số "
        "6150/TB-BLĐTBXH năm 2024 của Bộ Lao động – Thương binh và Xã hội (Thứ Bảy làm bù cho thứ Sáu "
        "02/5/2025; kỳ nghỉ từ 30/4 đến hết 04/5/2025. Ngày ký của Thông báo 6150/TB-BLĐTBXH chưa đối "
        "chiếu bản gốc.)\n"
    )


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2023-01-23", "2023-01-23 (thứ Hai): ngày nghỉ – Mùng hai Tết Nguyên Đán\n"),
        ("2024-06-15", "2024-06-15 (thứ Bảy): ngày nghỉ – nghỉ hằng tuần\n"),
        ("2024-06-12", "2024-06-12 (thứ Tư): ngày làm việc – ngày làm việc thông thường\n"),
        ("2024-05-04", "2024-05-04 (thứ Bảy): ngày làm việc – làm bù theo lịch nghỉ lễ do Chính phủ quyết định\n"),
    ],
)
def test_is_explains_the_statutory_calendar(day, expected):
    assert run("is", day) == expected


def test_load_prints_a_summary_and_is_idempotent():
    assert run("load") == "Đã nạp ngày điều chỉnh: thêm 8, cập nhật 0, giữ nguyên 0.\n"
    assert run("load") == "Đã nạp ngày điều chỉnh: thêm 0, cập nhật 0, giữ nguyên 8.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2023-13-01", "1"), "Ngày không hợp lệ: '2023-13-01' (định dạng YYYY-MM-DD)."),
        (("add", "19/01/2023", "1"), "Ngày không hợp lệ: '19/01/2023' (định dạng YYYY-MM-DD)."),
        (("add", "20230119", "1"), "Ngày không hợp lệ: '20230119' (định dạng YYYY-MM-DD)."),
        (("between", "2023-01-19", "2023-02-30"), "Ngày không hợp lệ: '2023-02-30' (định dạng YYYY-MM-DD)."),
        (("is", "hôm nay"), "Ngày không hợp lệ: 'hôm nay' (định dạng YYYY-MM-DD)."),
        (("add", "2023-01-19", "x"), "Số ngày làm việc không hợp lệ: 'x' (cần một số nguyên không âm)"),
        (("add", "2023-01-19", "-1"), "Số ngày làm việc không hợp lệ: '-1' (cần một số nguyên không âm)"),
        (("add", "2050-01-03", "1"), "Ngày 03/01/2050 nằm ngoài phạm vi lịch làm việc (2015–2040)."),
        (("between", "2014-12-31", "2015-01-05"), "Ngày 31/12/2014 nằm ngoài phạm vi lịch làm việc (2015–2040)."),
    ],
)
def test_bad_input_says_what_was_wrong(args, message):
    with pytest.raises(CommandError) as excinfo:
        run(*args)
    assert str(excinfo.value) == message


def test_a_subcommand_is_required():
    with pytest.raises(CommandError, match="add,between,is,load"):
        run()
