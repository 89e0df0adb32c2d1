"""Importing units: the shipped data, idempotence, cross-row checks and all-or-nothing writes."""

import datetime as dt

import pytest

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError
from cchc.organizations.importing import (
    DEFAULT_COHORTS_FILE,
    DEFAULT_UNITS_FILE,
    ImportSummary,
    cohorts_load_default,
    unit_rows_for_export,
    units_import,
    units_load_default,
)
from cchc.organizations.io import CohortRow, UnitRow, parse_units, read_cohorts, read_units
from cchc.organizations.models import Cohort, OrgUnit
from conftest import Tree

HEADER = "code,name,short_name,kind,parent_code,statistical_code,cohorts,valid_from,valid_to,successor_codes"

SBN_2023 = [
    "HD.VP", "HD.SNV", "HD.STP", "HD.SKHDT", "HD.STC", "HD.SCT", "HD.SNNPTNT", "HD.SGTVT", "HD.SXD",
    "HD.STNMT", "HD.STTTT", "HD.SLDTBXH", "HD.SVHTTDL", "HD.SKHCN", "HD.SGDDT", "HD.SYT", "HD.TT", "HD.BQLKCN",
]  # fmt: skip


def rows_of(*lines: str, filename: str = "units.csv") -> list[UnitRow]:
    return parse_units(("\n".join([HEADER, *lines]) + "\n").encode(), filename=filename)


def import_errors(rows: list[UnitRow], **kwargs: object) -> list[str]:
    with pytest.raises(ApplicationError) as info:
        units_import(rows=rows, actor=None, **kwargs)  # type: ignore[arg-type]
    assert info.value.code == "organizations.invalid_file"
    return list(info.value.extra["errors"])


@pytest.fixture
def loaded(db: None) -> ImportSummary:
    cohorts_load_default()
    return units_load_default()


class TestShippedData:
    def test_counts_match_the_hand_count(self, loaded: ImportSummary) -> None:
        """55 units: HD + 18 scored units + 2025 NN&MT + 3 media + 12 districts + 6 communes; HP + 13."""
        assert len(loaded.created) == 55
        assert OrgUnit.objects.count() == 55
        districts = OrgUnit.objects.filter(kind="district")
        assert sorted(districts.values_list("statistical_code", flat=True)) == [
            str(code) for code in range(288, 301) if code != 289
        ]
        assert set(districts.values_list("cohorts__code", flat=True)) == {"HUYEN"}
        assert sorted(Cohort.objects.get(code="SBN").members.values_list("code", flat=True)) == sorted(SBN_2023)
        assert Cohort.objects.get(code="XA").members.count() == 6
        assert Cohort.objects.get(code="TTTT").members.count() == 3
        assert Cohort.objects.get(code="HP.SBN").members.count() == 13
        assert OrgUnit.objects.get(code="HD").statistical_code == "30"
        assert OrgUnit.objects.get(code="HP").statistical_code == "31"

    def test_units_valid_before_and_after_the_2025_merger(self, loaded: ImportSummary) -> None:
        before = set(OrgUnit.objects.valid_on(dt.date(2024, 1, 1)).values_list("code", flat=True))
        after = set(OrgUnit.objects.valid_on(dt.date(2025, 7, 1)).values_list("code", flat=True))
        spring = set(OrgUnit.objects.valid_on(dt.date(2025, 4, 1)).values_list("code", flat=True))
        assert len(before) == 40
        assert all(code.startswith("HD") for code in before)
        assert len(after) == 14
        assert all(code.startswith("HP") for code in after)
        # Between the department merger (03/2025) and the province merger: 12 agencies + BQL.
        assert "HD.SNNMT" in spring
        assert not {"HD.SNNPTNT", "HD.STNMT", "HD.SKHDT", "HD.SGTVT", "HD.STTTT", "HD.SLDTBXH"} & spring

    def test_the_tree_has_three_levels(self, loaded: ImportSummary) -> None:
        province = OrgUnit.objects.get(code="HD")
        district = OrgUnit.objects.get(code="HD.H288")
        ward = OrgUnit.objects.get(code="HD.H288.TRAN-HUNG-DAO")
        assert ward.parent == district
        assert district.parent == province
        assert ward.path == f"/{province.pk}/{district.pk}/{ward.pk}/"
        assert ward.depth == 2
        assert OrgUnit.objects.subtree_of(district).count() == 5

    def test_every_2023_unit_leads_to_a_2025_hai_phong_successor(self, loaded: ImportSummary) -> None:
        """Successor links, followed transitively, reach a unit of the new Hải Phòng."""
        day = dt.date(2025, 7, 1)
        for code in SBN_2023:
            frontier = [OrgUnit.objects.get(code=code)]
            reached: set[str] = set()
            while frontier:
                unit = frontier.pop()
                if unit.is_valid_on(day):
                    reached.add(unit.code)
                frontier.extend(unit.successors.all())
            assert reached, code
            assert all(c.startswith("HP.") for c in reached), code
        assert set(OrgUnit.objects.get(code="HD.SLDTBXH").successors.values_list("code", flat=True)) == {
            "HD.SNV",
            "HD.SYT",
            "HD.SGDDT",
        }
        assert list(OrgUnit.objects.get(code="HD").successors.values_list("code", flat=True)) == ["HP"]
        assert list(OrgUnit.objects.get(code="HP.SNNMT").predecessors.values_list("code", flat=True)) == ["HD.SNNMT"]

    def test_every_unit_creation_is_audited(self, loaded: ImportSummary) -> None:
        assert AuditEvent.objects.filter(action="org_unit.created").count() == 55
        event = AuditEvent.objects.get(action="org_unit.created", object_repr="Sở Y tế tỉnh Hải Dương")
        assert event.actor_label == "hệ thống"
        assert event.changes["name"] == [None, "Sở Y tế tỉnh Hải Dương"]
        assert AuditEvent.objects.filter(action="org_unit.successors_set").count() == 20

    def test_second_load_changes_nothing_and_writes_no_audit_rows(self, loaded: ImportSummary) -> None:
        audit_rows = AuditEvent.objects.count()
        again = units_load_default()
        cohorts = cohorts_load_default()
        assert (again.created, again.updated, len(again.unchanged)) == ([], [], 55)
        assert (cohorts.created, cohorts.updated) == ([], [])
        assert AuditEvent.objects.count() == audit_rows

    def test_loading_units_alone_creates_the_cohorts_it_needs(self, db: None) -> None:
        summary = units_load_default()
        assert summary.cohorts_created == ["HP.SBN", "HUYEN", "SBN", "THAMDINH", "TTTT", "XA"]
        assert Cohort.objects.get(code="SBN").name == "Sở, ban, ngành tỉnh"


class TestUpdates:
    def test_changed_row_is_updated_and_audited_with_before_and_after(self, loaded: ImportSummary) -> None:
        rows = [
            UnitRow(**{**row.__dict__, "short_name": "Sở Y tế HD"}) if row.code == "HD.SYT" else row
            for row in read_units(DEFAULT_UNITS_FILE)
        ]
        summary = units_import(rows=rows, actor=None)
        assert summary.updated == ["HD.SYT"]
        assert len(summary.unchanged) == 54
        event = AuditEvent.objects.filter(action="org_unit.updated").get()
        assert event.changes == {"short_name": ["Sở Y tế", "Sở Y tế HD"]}

    def test_import_moves_a_unit_with_its_subtree(self, tree: Tree) -> None:
        rows = rows_of("SA,Sở A,SA,department,SB,,,2020-01-01,,")
        summary = units_import(rows=rows, actor=None)
        assert summary.updated == ["SA"]
        tree.dept_b.refresh_from_db()
        tree.dept_a_child.refresh_from_db()
        assert tree.dept_a_child.path.startswith(tree.dept_b.path)

    def test_cohorts_and_successors_are_replaced(self, tree: Tree) -> None:
        Cohort.objects.create(code="G1", name="Nhóm 1")
        summary = units_import(rows=rows_of("SA,Sở A,SA,department,P,,G1,2020-01-01,,SB"), actor=None)
        assert summary.updated == ["SA"]
        tree.dept_a.refresh_from_db()
        assert list(tree.dept_a.cohorts.values_list("code", flat=True)) == ["G1"]
        assert list(tree.dept_a.successors.values_list("code", flat=True)) == ["SB"]
        again = units_import(rows=rows_of("SA,Sở A,SA,department,P,,,2020-01-01,,"), actor=None)
        assert again.updated == ["SA"]
        assert not tree.dept_a.cohorts.exists()
        assert not tree.dept_a.successors.exists()

    def test_parents_may_come_after_their_children(self, db: None) -> None:
        rows = rows_of(
            "X1,Xã Một,X1,commune,H1,,,2021-01-01,,",
            "H1,Huyện Một,H1,district,P,,,2021-01-01,,",
            "P,Tỉnh,P,province,,,,2021-01-01,,",
        )
        summary = units_import(rows=rows, actor=None)
        assert summary.created == ["X1", "H1", "P"]
        assert OrgUnit.objects.get(code="X1").depth == 2
        # Without a sort_order column, new units are ordered as in the file.
        assert OrgUnit.objects.get(code="X1").sort_order == 1

    def test_dry_run_reports_but_writes_nothing(self, db: None) -> None:
        summary = units_import(
            rows=read_units(DEFAULT_UNITS_FILE), actor=None, cohorts=read_cohorts(DEFAULT_COHORTS_FILE), dry_run=True
        )
        assert len(summary.created) == 55
        assert len(summary.cohorts_created) == 6
        assert summary.dry_run
        assert OrgUnit.objects.count() == 0
        assert Cohort.objects.count() == 0
        assert AuditEvent.objects.count() == 0


class TestErrorsWriteNothing:
    @pytest.mark.parametrize(
        ("line", "expected"),
        [
            (
                "S1,Sở Một,S1,department,X,,,2021-01-01,,",
                "units.csv, dòng 3, cột parent_code: không tìm thấy đơn vị cấp trên mã 'X' "
                "trong tệp hoặc trong cơ sở dữ liệu.",
            ),
            (
                "S1,Sở Một,S1,department,P,,NHOM,2021-01-01,2025-06-30,",
                "units.csv, dòng 3, cột cohorts: không có nhóm đơn vị mã 'NHOM'.",
            ),
            (
                "S1,Sở Một,S1,department,P,,,2021-01-01,2025-06-30,KHONGCO",
                "units.csv, dòng 3, cột successor_codes: không tìm thấy đơn vị kế thừa mã 'KHONGCO' "
                "trong tệp hoặc trong cơ sở dữ liệu.",
            ),
            (
                "S1,Sở Một,S1,department,P,,,2020-01-01,,",
                "units.csv, dòng 3, cột valid_from: thời gian hiệu lực 01/01/2020 – không thời hạn vượt ra ngoài "
                "hiệu lực của đơn vị cấp trên 'P' (01/01/2021 – 30/06/2025).",
            ),
            (
                "S1,Sở Một,S1,department,P,,,2021-01-01,,",
                "units.csv, dòng 3, cột valid_to: thời gian hiệu lực 01/01/2021 – không thời hạn vượt ra ngoài "
                "hiệu lực của đơn vị cấp trên 'P' (01/01/2021 – 30/06/2025).",
            ),
        ],
    )
    def test_reference_errors_name_line_and_column(self, db: None, line: str, expected: str) -> None:
        rows = rows_of("P,Tỉnh,P,province,,,,2021-01-01,2025-06-30,", line)
        assert import_errors(rows) == [expected]
        assert OrgUnit.objects.count() == 0
        assert AuditEvent.objects.count() == 0

    def test_cycle_within_the_file(self, db: None) -> None:
        rows = rows_of(
            "A,Đơn vị A,A,agency,B,,,2021-01-01,,",
            "B,Đơn vị B,B,agency,A,,,2021-01-01,,",
        )
        assert import_errors(rows) == [
            "units.csv, dòng 2, cột parent_code: vòng lặp đơn vị cấp trên: A → B → A.",
            "units.csv, dòng 3, cột parent_code: vòng lặp đơn vị cấp trên: A → B → A.",
        ]

    def test_a_service_refusal_half_way_rolls_back_everything(self, tree: Tree) -> None:
        """The province cannot move under its own grandchild: nothing of the file is kept."""
        audit_rows = AuditEvent.objects.count()
        rows = rows_of(
            "NEW,Đơn vị mới,Mới,agency,SB,,,2021-01-01,,",
            "SB,Sở B đổi tên,SB,department,P,,,2020-01-01,,",
            "P,Tỉnh Thử Nghiệm,P,province,SA-1,,,2020-01-01,,",
        )
        errors = import_errors(rows)
        assert errors == [
            "units.csv, dòng 4, cột parent_code: Không thể đặt SA-1 làm đơn vị cấp trên của P: "
            "SA-1 đang là đơn vị trực thuộc của P."
        ]
        assert not OrgUnit.objects.filter(code="NEW").exists()
        assert OrgUnit.objects.get(code="SB").name == "Sở B"
        assert OrgUnit.objects.get(code="P").parent is None
        assert AuditEvent.objects.count() == audit_rows

    def test_actor_without_rights_is_refused_per_row(self, tree: Tree) -> None:
        viewer = make_user(role=Role.VIEWER, unit=tree.province)
        rows = rows_of("NEW,Đơn vị mới,Mới,agency,P,,,2021-01-01,,")
        with pytest.raises(ApplicationError) as info:
            units_import(rows=rows, actor=viewer)
        assert info.value.extra["errors"] == ["units.csv, dòng 2: Bạn không có quyền thay đổi cơ cấu tổ chức này."]
        assert not OrgUnit.objects.filter(code="NEW").exists()

    def test_reform_office_may_import_within_its_grant(self, tree: Tree) -> None:
        officer = make_user(role=Role.REFORM_OFFICE, unit=tree.province)
        summary = units_import(rows=rows_of("NEW,Đơn vị mới,Mới,agency,P,,,2021-01-01,,"), actor=officer)
        assert summary.created == ["NEW"]
        assert AuditEvent.objects.filter(action="org_unit.created", object_repr="Đơn vị mới").get().actor == officer

    def test_catalogue_cohorts_are_created_only_when_missing(self, tree: Tree) -> None:
        Cohort.objects.create(code="SBN", name="Tên do quản trị sửa")
        catalogue = [CohortRow("SBN", "Sở, ban, ngành tỉnh"), CohortRow("XA", "UBND cấp xã")]
        summary = units_import(
            rows=rows_of("SA,Sở A,SA,department,P,,SBN,2020-01-01,,", "X1,Xã Một,X1,commune,H1,,XA,2020-01-01,,"),
            actor=None,
            cohorts=catalogue,
        )
        assert summary.cohorts_created == ["XA"]
        assert Cohort.objects.get(code="SBN").name == "Tên do quản trị sửa"


class TestExportRows:
    def test_rows_come_parents_first_in_listing_order(self, loaded: ImportSummary) -> None:
        rows = unit_rows_for_export(on=dt.date(2024, 1, 1))
        codes = [row.code for row in rows]
        assert codes[:4] == ["HD", "HD.VP", "HD.SNV", "HD.STP"]
        assert codes.index("HD.H288") < codes.index("HD.H288.TRAN-HUNG-DAO") < codes.index("HD.H290")
        assert len(rows) == 40

    def test_all_units_when_no_date(self, loaded: ImportSummary) -> None:
        assert len(unit_rows_for_export(on=None)) == 55
