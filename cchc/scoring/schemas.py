"""API schemas of the PAR index (Chỉ số CCHC): ``…In`` to write, ``…Out`` to read.

Points, maxima and percents are decimals with two places, written as JSON strings
("81.94") like every decimal of this API, so no client reads 81.94 as 81.9399999.
"""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, RoundStatus
from cchc.scoring.services import AppraisalDecision

# -- criteria sets -------------------------------------------------------------------------------


class BandOut(Schema):
    threshold: Decimal = Field(description="Ngưỡng tối thiểu (%) của loại; các loại xếp theo ngưỡng giảm dần.")
    label: str = Field(description="Tên loại (A, B, C hoặc Tốt, Khá …).")


class CriteriaSetOut(Schema):
    id: int
    code: str
    name: str
    cohort_code: str = Field(description="Mã nhóm đơn vị được đánh giá bằng bộ tiêu chí.")
    cohort_name: str
    unit_code: str = Field(description="Mã cơ quan ban hành bộ tiêu chí.")
    unit_name: str
    year_from: int
    year_to: int | None
    decision: str = Field(description="Căn cứ (quyết định ban hành).")
    survey_maximum: Decimal = Field(description="Điểm điều tra xã hội học tối đa.")
    bands: list[BandOut]

    @staticmethod
    def resolve_cohort_code(obj: Any) -> str:
        return str(obj.cohort.code)

    @staticmethod
    def resolve_cohort_name(obj: Any) -> str:
        return str(obj.cohort.name)

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.unit.code)

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_bands(obj: Any) -> list[dict[str, Any]]:
        return [{"threshold": threshold, "label": label} for threshold, label in obj.band_table()]


class CriterionNodeOut(Schema):
    id: int
    code: str = Field(description="Mã tiêu chí (1, 1.2, 1.2.3); lĩnh vực là mã một cấp.")
    name: str
    max_points: Decimal
    evidence_required: str = Field(description="Tài liệu kiểm chứng cần có.")
    appraising_unit_code: str | None = Field(
        description="Mã đơn vị thẩm định ghi trên tiêu chí; null: theo tiêu chí cha."
    )
    na_policy: str = Field(
        description="Khi không phát sinh: full_points (tính đủ điểm) hoặc remove (loại khỏi điểm tối đa)."
    )
    rule_kind: str = Field(description="Cách chấm: manual, binary, bands, linear, linear_to_target, deduction, survey.")
    auto_source: str = Field(description="Nguồn số liệu tính tự động; chuỗi rỗng: đơn vị tự chấm.")
    children: list["CriterionNodeOut"] = Field(description="Tiêu chí con; rỗng với tiêu chí được chấm điểm.")


CriterionNodeOut.model_rebuild()


class CriteriaSetDetailOut(CriteriaSetOut):
    criteria: list[CriterionNodeOut] = Field(description="Cây tiêu chí: các lĩnh vực, mỗi lĩnh vực với tiêu chí con.")

    @staticmethod
    def resolve_criteria(obj: Any) -> list[dict[str, Any]]:
        # The endpoint builds the tree (one query) and hangs it on the set as ``criteria_tree``.
        return list(obj.criteria_tree)


# -- rounds --------------------------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    year: int
    status: RoundStatus = Field(description="draft, open, locked hoặc published.")
    status_label: str
    criteria_set_id: int
    cohort_code: str
    cohort_name: str
    unit_code: str = Field(description="Mã cơ quan quản lý đợt đánh giá (cơ quan ban hành bộ tiêu chí).")
    self_deadline: dt.date | None = Field(description="Hạn tự đánh giá.")
    opened_at: dt.datetime | None
    locked_at: dt.datetime | None
    published_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_cohort_code(obj: Any) -> str:
        return str(obj.criteria_set.cohort.code)

    @staticmethod
    def resolve_cohort_name(obj: Any) -> str:
        return str(obj.criteria_set.cohort.name)

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.criteria_set.unit.code)


class AssessmentProgressOut(Schema):
    assessment_id: int
    unit_code: str
    unit_name: str
    status: AssessmentStatus = Field(description="draft (đang tự chấm) hoặc submitted (đã gửi thẩm định).")
    status_label: str
    submitted_at: dt.datetime | None
    criteria: int = Field(description="Số tiêu chí được chấm.")
    self_scored: int = Field(description="Số tiêu chí đã tự chấm hoặc đánh dấu không phát sinh.")
    appraised: int = Field(description="Số tiêu chí đã thẩm định (đồng ý hoặc điều chỉnh).")
    returned: int = Field(description="Số tiêu chí bị trả lại để giải trình.")


class AppraiserProgressOut(Schema):
    unit_code: str
    unit_name: str
    pending: int = Field(description="Tiêu chí của bản đã gửi đang chờ thẩm định.")
    done: int
    returned: int


class ProgressTotalsOut(Schema):
    units: int
    submitted: int
    criteria: int
    self_scored: int
    appraised: int
    returned: int


class RoundDetailOut(RoundOut):
    can_manage: bool = Field(description="Bạn quản lý đợt này (thấy tiến độ của mọi đơn vị và đơn vị thẩm định).")
    totals: ProgressTotalsOut = Field(description="Tổng của các bản tự đánh giá bạn được xem.")
    assessments: list[AssessmentProgressOut] = Field(
        description="Các bản tự đánh giá bạn được xem, theo thứ tự đơn vị."
    )
    appraisers: list[AppraiserProgressOut] = Field(
        description="Tiến độ của từng đơn vị thẩm định; chỉ người quản lý đợt."
    )

    # The endpoint computes the figures (``selectors.round_progress``, scoped to the caller)
    # and hangs them on the round as ``progress_figures``; ``assessments`` would clash with
    # the round's reverse relation.
    @staticmethod
    def resolve_can_manage(obj: Any) -> bool:
        return bool(obj.progress_figures["can_manage"])

    @staticmethod
    def resolve_totals(obj: Any) -> dict[str, int]:
        return dict(obj.progress_figures["totals"])

    @staticmethod
    def resolve_assessments(obj: Any) -> list[dict[str, Any]]:
        return list(obj.progress_figures["assessments"])

    @staticmethod
    def resolve_appraisers(obj: Any) -> list[dict[str, Any]]:
        return list(obj.progress_figures["appraisers"])


# -- scores --------------------------------------------------------------------------------------


class ScoreOut(Schema):
    id: int
    assessment_id: int
    unit_code: str
    criterion_code: str
    criterion_name: str
    domain: str = Field(description="Mã lĩnh vực của tiêu chí.")
    max_points: Decimal
    appraising_unit_code: str | None
    not_applicable: bool = Field(description="Đơn vị đánh dấu không phát sinh.")
    self_score: Decimal | None
    self_explanation: str
    auto_value: Decimal | None = Field(description="Giá trị (tỷ lệ, số lượng) lấy từ số liệu của hệ thống.")
    auto_points: Decimal | None = Field(description="Điểm quy tắc chấm tính từ giá trị tự động.")
    auto_detail: dict[str, Any] = Field(description="Tử số, mẫu số, kỳ, nguồn của giá trị tự động.")
    appraisal_status: AppraisalStatus = Field(description="pending, accepted, changed hoặc returned.")
    appraisal_status_label: str
    appraised_score: Decimal | None
    appraisal_reason: str
    appraised_at: dt.datetime | None

    @staticmethod
    def resolve_unit_code(obj: Any) -> str:
        return str(obj.assessment.unit.code)

    @staticmethod
    def resolve_criterion_code(obj: Any) -> str:
        return str(obj.criterion.code)

    @staticmethod
    def resolve_criterion_name(obj: Any) -> str:
        return str(obj.criterion.name)

    @staticmethod
    def resolve_domain(obj: Any) -> str:
        return str(obj.criterion.domain_code)

    @staticmethod
    def resolve_max_points(obj: Any) -> Decimal:
        return Decimal(obj.criterion.max_points)

    @staticmethod
    def resolve_appraising_unit_code(obj: Any) -> str | None:
        return obj.appraising_unit.code if obj.appraising_unit_id else None

    @staticmethod
    def resolve_appraisal_status_label(obj: Any) -> str:
        return str(obj.get_appraisal_status_display())


class ScoreSelfIn(Schema):
    points: Decimal | None = Field(
        None,
        description="Điểm tự chấm, từ 0 đến điểm tối đa, tối đa hai chữ số thập phân; bỏ trống khi không phát sinh.",
    )
    explanation: str = Field("", max_length=5000, description="Giải trình.")
    not_applicable: bool = Field(False, description="Tiêu chí không phát sinh ở đơn vị.")


class AppraisalDecisionIn(StrEnum):
    ACCEPT = AppraisalDecision.ACCEPT
    CHANGE = AppraisalDecision.CHANGE
    RETURN = AppraisalDecision.RETURN


class ScoreAppraisalIn(Schema):
    decision: AppraisalDecisionIn = Field(
        description="accept: đồng ý điểm tự chấm; change: điều chỉnh điểm (cần points và reason); "
        "return: trả lại để đơn vị giải trình (cần reason)."
    )
    points: Decimal | None = Field(None, description="Điểm thẩm định khi điều chỉnh.")
    reason: str = Field("", max_length=5000, description="Lý do điều chỉnh hoặc nội dung cần giải trình.")


# -- results -------------------------------------------------------------------------------------


class DomainOut(Schema):
    code: str
    name: str
    max_points: Decimal = Field(description="Điểm tối đa của lĩnh vực theo bộ tiêu chí.")


class DomainResultOut(Schema):
    code: str
    points: Decimal
    maximum: Decimal = Field(description="Điểm tối đa của lĩnh vực ở đơn vị, sau khi loại tiêu chí không phát sinh.")
    unscored: int = Field(description="Số tiêu chí chưa thẩm định (tính 0 điểm).")


class UnitResultOut(Schema):
    rank: int = Field(description="Thứ hạng trong nhóm; các đơn vị bằng Chỉ số được đồng hạng (1, 2, 2, 4).")
    unit_code: str
    unit_name: str
    points: Decimal = Field(description="Tổng điểm: điểm thẩm định + điểm điều tra xã hội học.")
    maximum: Decimal
    percent: Decimal = Field(description="Chỉ số (%) = điểm / điểm tối đa × 100, làm tròn hai chữ số.")
    band: str
    survey_points: Decimal
    survey_maximum: Decimal
    self_points: Decimal = Field(description="Tổng điểm tự chấm (không gồm điều tra xã hội học).")
    unscored: int
    previous_percent: Decimal | None = Field(description="Chỉ số năm trước; null khi không có.")
    change: Decimal | None = Field(description="Tăng (+) / giảm (−) so với năm trước, điểm phần trăm.")
    domains: list[DomainResultOut]


class RoundResultsOut(Schema):
    round: RoundOut
    published: bool
    domains: list[DomainOut]
    bands: list[BandOut]
    units: list[UnitResultOut] = Field(description="Các đơn vị theo thứ hạng.")
