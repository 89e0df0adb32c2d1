"""``import_units`` and ``export_units``: summaries, errors, dates and the round trip."""

import codecs
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.organizations.importing import DEFAULT_UNITS_FILE, cohorts_load_default, units_load_default
from cchc.organizations.models import Cohort, OrgUnit

pytestmark = pytest.mark.django_db

HD_DISTRICTS = [f"HD.H{code}" for code in range(288, 301) if code != 289]


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def export_codes(*args: str) -> list[str]:
    out, _err = run("export_units", "--format", "json", *args)
    return [item["code"] for item in json.loads(out)]


def state() -> dict[str, Any]:
    """Everything an import sets, keyed by code (primary keys differ between databases)."""
    return {
        unit.code: (
            unit.name,
            unit.short_name,
            unit.kind,
            unit.parent.code if unit.parent else "",
            unit.statistical_code,
            unit.valid_from,
            unit.valid_to,
            unit.sort_order,
            sorted(c.code for c in unit.cohorts.all()),
            sorted(s.code for s in unit.successors.all()),
        )
        for unit in OrgUnit.objects.select_related("parent").prefetch_related("cohorts", "successors")
    }


def empty_the_database() -> None:
    """Start again from nothing, as another installation would.

    Plain SQL, on purpose: the audit log refuses deletes through its model, and
    the ORM's cascade would visit every app that points at units. Foreign keys
    are checked at commit, so the order only has to leave no dangling row.
    """
    tables = [
        AuditEvent._meta.db_table,
        Cohort.members.through._meta.db_table,
        OrgUnit.successors.through._meta.db_table,
        OrgUnit._meta.db_table,
        Cohort._meta.db_table,
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from _meta


class TestImportUnits:
    def test_prints_a_vietnamese_summary_and_is_idempotent(self) -> None:
        out, _err = run("import_units", str(DEFAULT_UNITS_FILE))
        assert "Đã tạo 55, cập nhật 0, không đổi 0 đơn vị." in out
        assert "Đã tạo nhóm đơn vị: HP.SBN, HUYEN, SBN, THAMDINH, TTTT, XA." in out
        audit_rows = AuditEvent.objects.count()
        out, _err = run("import_units", str(DEFAULT_UNITS_FILE))
        assert out.strip() == "Đã tạo 0, cập nhật 0, không đổi 55 đơn vị."
        assert AuditEvent.objects.count() == audit_rows

    def test_dry_run_writes_nothing(self) -> None:
        out, _err = run("import_units", str(DEFAULT_UNITS_FILE), "--dry-run")
        assert "Chạy thử: sẽ tạo 55, cập nhật 0, không đổi 0 đơn vị." in out
        assert OrgUnit.objects.count() == 0
        assert AuditEvent.objects.count() == 0

    def test_malformed_file_prints_every_error_and_writes_nothing(self, tmp_path: Path) -> None:
        source = DEFAULT_UNITS_FILE.read_text(encoding="utf-8").splitlines()
        source[5] = source[5].replace("2021-01-01", "2021-02-30")  # line 6
        source[9] = source[9].replace(",department,", ",so,")  # line 10
        bad = tmp_path / "units.csv"
        bad.write_text("\n".join(source) + "\n", encoding="utf-8")
        err = io.StringIO()
        with pytest.raises(CommandError) as info:
            call_command("import_units", str(bad), stdout=io.StringIO(), stderr=err)
        assert str(info.value) == f"Không nhập được {bad}: 2 lỗi; không có thay đổi nào được ghi."
        lines = err.getvalue().splitlines()
        assert lines[0] == (
            "units.csv, dòng 6, cột valid_from: ngày không hợp lệ '2021-02-30' (định dạng YYYY-MM-DD hoặc DD/MM/YYYY)."
        )
        assert lines[1].startswith("units.csv, dòng 10, cột kind: loại đơn vị không hợp lệ 'so'")
        assert OrgUnit.objects.count() == 0
        assert Cohort.objects.count() == 0
        assert AuditEvent.objects.count() == 0

    def test_unknown_parent_is_reported_by_the_command(self, tmp_path: Path) -> None:
        bad = tmp_path / "units.json"
        bad.write_text(
            json.dumps(
                [
                    {
                        "code": "S1",
                        "name": "Sở Một",
                        "short_name": "S1",
                        "kind": "department",
                        "parent_code": "HD",
                        "statistical_code": "",
                        "cohorts": [],
                        "valid_from": "2021-01-01",
                        "valid_to": None,
                        "successor_codes": [],
                    }
                ]
            ),
            encoding="utf-8",
        )
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_units", str(bad), stdout=io.StringIO(), stderr=err)
        assert err.getvalue().strip() == (
            "units.json, mục 1, cột parent_code: không tìm thấy đơn vị cấp trên mã 'HD' "
            "trong tệp hoặc trong cơ sở dữ liệu."
        )

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(CommandError, match="1 lỗi"):
            call_command("import_units", str(tmp_path / "khong-co.csv"), stdout=io.StringIO(), stderr=io.StringIO())


class TestExportUnits:
    @pytest.fixture(autouse=True)
    def _loaded(self) -> None:
        cohorts_load_default()
        units_load_default()

    def test_before_the_merger_hai_duong_districts_and_no_hai_phong(self) -> None:
        out, _err = run("export_units", "--format", "csv", "--on", "2024-01-01")
        lines = out.splitlines()
        assert lines[0] == (
            "code,name,short_name,kind,parent_code,statistical_code,cohorts,valid_from,valid_to,successor_codes,sort_order"
        )
        codes = [line.split(",")[0] for line in lines[1:]]
        assert len(codes) == 40
        assert set(HD_DISTRICTS) <= set(codes)
        assert not [code for code in codes if code.startswith("HP")]
        assert "HD.H288,Thành phố Hải Dương,TP Hải Dương,district,HD,288,HUYEN,2021-01-01,2025-06-30,,31" in lines

    def test_after_the_merger_hai_phong_departments_and_no_districts(self) -> None:
        codes = export_codes("--on", "01/07/2025")
        assert len(codes) == 14
        assert codes[0] == "HP"
        assert "HP.SNV" in codes
        assert not [code for code in codes if code.startswith("HD")]

    def test_default_date_is_today(self) -> None:
        expected = OrgUnit.objects.valid_on(timezone.localdate()).count()
        assert len(export_codes()) == expected

    def test_invalid_date(self) -> None:
        with pytest.raises(CommandError, match=r"Ngày không hợp lệ '2025-02-30'"):
            run("export_units", "--on", "2025-02-30")

    def test_output_file_has_a_bom_for_excel(self, tmp_path: Path) -> None:
        target = tmp_path / "don-vi.csv"
        _out, err = run("export_units", "--on", "2024-01-01", "--output", str(target))
        assert target.read_bytes().startswith(codecs.BOM_UTF8)
        assert err.strip() == f"Đã ghi 40 đơn vị (hiệu lực ngày 01/01/2024) vào {target}."


class TestRoundTrip:
    @pytest.mark.parametrize("suffix", ["json", "csv"])
    def test_export_then_import_into_an_empty_database_reproduces_the_units(self, tmp_path: Path, suffix: str) -> None:
        cohorts_load_default()
        units_load_default()
        before = state()
        target = tmp_path / f"export.{suffix}"
        run("export_units", "--all", "--output", str(target))
        empty_the_database()
        assert OrgUnit.objects.count() == 0
        out, _err = run("import_units", str(target))
        assert "Đã tạo 55, cập nhật 0, không đổi 0 đơn vị." in out
        assert state() == before
        # And the imported copy exports to the same file.
        again = tmp_path / f"again.{suffix}"
        run("export_units", "--all", "--output", str(again))
        assert again.read_bytes() == target.read_bytes()

    def test_a_dated_export_round_trips_when_it_is_self_contained(self, tmp_path: Path) -> None:
        cohorts_load_default()
        units_load_default()
        before = {code: value for code, value in state().items() if code.startswith("HP")}
        target = tmp_path / "hp.csv"
        run("export_units", "--on", "2026-01-01", "--output", str(target))
        empty_the_database()
        run("import_units", str(target))
        assert state() == before
