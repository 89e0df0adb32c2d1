"""``manage.py import_plan``: the same import as the web page, from the command line."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cchc.plans.models import Plan, PlanImport, PlanNodeUnit
from cchc.plans.tests.factories import PLAN_BYTES, PLAN_PATHS, PlanUnits, make_plan_units


@pytest.fixture
def units(tree: Any) -> PlanUnits:
    return make_plan_units(tree)


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    path = tmp_path / "ke-hoach-2023.txt"
    path.write_bytes(PLAN_BYTES)
    return path


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_plan", *args, stdout=out)
    return out.getvalue()


def test_dry_run_json_prints_the_analysis_and_writes_nothing(units: PlanUnits, plan_file: Path) -> None:
    payload = json.loads(_run(str(plan_file), "--dry-run", "--format", "json"))

    assert set(payload) >= {"outline", "units", "references", "warnings"}
    assert [node["path"] for node in payload["outline"]] == PLAN_PATHS
    node = next(n for n in payload["outline"] if n["path"] == "II.2.đ")
    assert node["title"] == "Đánh giá chất lượng phục vụ theo điểm a khoản 2 mục II."
    assert node["body"] == ""
    first, last = node["lines"]
    assert 0 < first <= last
    assert {(u["path"], u["role"], u["code"]) for u in payload["units"]} == {
        ("IV.1", "lead", "SNV"),
        ("IV.2", "lead", "SBN"),
        ("IV.2", "coordinating", "SNV"),
    }
    assert {(r["path"], r["target"]) for r in payload["references"]} == {("II.2.đ", "II.2.a"), ("IV.1", "II.2.đ")}
    assert payload["warnings"] == []
    assert Plan.objects.count() == 0
    assert PlanImport.objects.count() == 0


def test_dry_run_text_prints_the_tree(units: PlanUnits, plan_file: Path) -> None:
    out = _run(str(plan_file), "--dry-run")

    assert "    II.2.đ  Đánh giá chất lượng phục vụ" in out
    assert "[lead] IV.2: Các sở, ban, ngành → SBN" in out


def test_import_creates_the_plan(tree: Any, units: PlanUnits, plan_file: Path) -> None:
    out = _run(str(plan_file), "--year", "2023", "--unit", "SA", "--title", "Kế hoạch CCHC Sở A năm 2023")

    plan = Plan.objects.get()
    assert (plan.unit, plan.year, plan.title, plan.created_by) == (
        tree.dept_a,
        2023,
        "Kế hoạch CCHC Sở A năm 2023",
        None,
    )
    assert plan.nodes.count() == len(PLAN_PATHS)
    assert PlanNodeUnit.objects.filter(node__plan=plan, node__path="IV.2", role="lead").count() == 3
    assert PlanImport.objects.get().plan == plan
    assert f"Đã tạo kế hoạch “{plan.title}” (năm 2023, ĐV SA): 19 mục, 3 tên đơn vị đã khớp, 2 dẫn chiếu." in out


def test_import_defaults_to_the_year_in_the_text_and_the_root_unit(
    tree: Any, units: PlanUnits, plan_file: Path
) -> None:
    payload = json.loads(_run(str(plan_file), "--format", "json"))

    plan = Plan.objects.get()
    assert (plan.unit, plan.year) == (tree.province, 2023)
    assert plan.title == "Kế hoạch cải cách hành chính nhà nước tỉnh Thử Nghiệm năm 2023"
    assert payload["plan"] == {"id": plan.pk, "title": plan.title}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "trống, không có nội dung để đọc"),
        (bytes(range(256)) * 64, "không phải văn bản"),
        ("Kính mời dự họp.\n".encode(), "cấu trúc"),
    ],
    ids=["empty", "binary", "no-structure"],
)
def test_bad_file_is_a_vietnamese_command_error(
    tree: Any, units: PlanUnits, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "hong.txt"
    path.write_bytes(content)

    with pytest.raises(CommandError) as excinfo:
        _run(str(path), "--unit", "P", "--year", "2023")

    assert message in str(excinfo.value)
    assert "“hong.txt”" in str(excinfo.value)
    assert PlanImport.objects.count() == 0
    assert Plan.objects.count() == 0


def test_missing_file_and_unknown_unit_are_command_errors(tree: Any, plan_file: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Không đọc được tệp"):
        _run(str(tmp_path / "khong-co.txt"))
    with pytest.raises(CommandError, match="Không có đơn vị mã “KHONG-CO”"):
        _run(str(plan_file), "--unit", "KHONG-CO")
    assert PlanImport.objects.count() == 0
