"""``manage.py import_criteria_set FILE --code --name --cohort --year-from ...``: a new criteria set from XLSX."""

from argparse import ArgumentParser
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError
from cchc.scoring.calculations import fmt
from cchc.scoring.importing import cohort_by_code, criteria_set_import_file, default_province_code, province_by_code
from cchc.scoring.services import leaves, parse_points


class Command(BaseCommand):
    help = (
        "Tạo bộ tiêu chí Chỉ số CCHC mới từ tệp XLSX (các cột như export_criteria_set xuất ra: mã tiêu chí, tên, "
        "điểm tối đa, tài liệu kiểm chứng, đơn vị thẩm định, cách chấm …). Tệp có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Đường dẫn tệp .xlsx.")
        parser.add_argument(
            "--code", required=True, help="Mã bộ tiêu chí mới (chữ không dấu, số, dấu -), ví dụ hd-sbn-2026."
        )
        parser.add_argument("--name", required=True, help="Tên bộ tiêu chí.")
        parser.add_argument("--cohort", required=True, help="Mã nhóm đơn vị được đánh giá: SBN, HUYEN, XA …")
        parser.add_argument("--year-from", type=int, required=True, help="Áp dụng từ năm.")
        parser.add_argument("--year-to", type=int, help="Áp dụng đến năm (bỏ trống: chưa có năm kết thúc).")
        parser.add_argument("--survey-max", default="0", help="Điểm điều tra xã hội học tối đa (mặc định 0).")
        parser.add_argument(
            "--unit", help="Mã tỉnh ban hành (mặc định: mã tỉnh Hải Dương trong danh mục đơn vị kèm theo)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            survey_maximum = parse_points(options["survey_max"], label="--survey-max")
            criteria_set = criteria_set_import_file(
                path=path,
                actor=None,
                unit=province_by_code(options["unit"] or default_province_code()),
                code=options["code"],
                name=options["name"],
                cohort=cohort_by_code(options["cohort"]),
                year_from=options["year_from"],
                year_to=options["year_to"],
                survey_maximum=survey_maximum or Decimal(0),
            )
        except ApplicationError as exc:
            messages = exc.extra.get("errors") or [exc.message]
            for message in messages:
                self.stderr.write(message)
            raise CommandError(
                _("Không nhập được %(file)s: %(count)d lỗi; không có thay đổi nào được ghi.")
                % {"file": path, "count": len(messages)}
            ) from exc
        criteria = criteria_set.criteria.all()
        total = sum((c.max_points for c in criteria if c.parent_id is None), Decimal(0))
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Đã tạo bộ tiêu chí %(code)s từ %(file)s: %(count)d mục, %(leaves)d tiêu chí chấm điểm, "
                    "%(points)s điểm tiêu chí và %(survey)s điểm điều tra xã hội học."
                )
                % {
                    "code": criteria_set.code,
                    "file": path,
                    "count": len(criteria),
                    "leaves": len(leaves(criteria_set)),
                    "points": fmt(total),
                    "survey": fmt(criteria_set.survey_maximum),
                }
            )
        )
