"""The Decision 766/QĐ-TTg set (100 points) as shipped: weights verified [V], targets proposed [P].

The data is written out here, not imported from the app, so that the migration keeps
meaning what it meant when it was written (docs/indicators.md, "The shipped set").
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

SET_CODE = "qd766-2022"

NOTE = (
    "Trọng số 6 nhóm (18 + 20 + 12 + 10 + 22 + 18 = 100 điểm) theo Quyết định 766/QĐ-TTg. "
    "Các chỉ tiêu (tỷ lệ để đạt điểm tối đa) là đề xuất [P], chưa đối chiếu với văn bản gốc: "
    "tỉnh thay bằng chỉ tiêu của mình bằng cách tạo một bộ chỉ số mới có ngày hiệu lực "
    "và đặt ngày kết thúc cho bộ này vào ngày trước đó; không sửa bộ đã dùng để công bố các tháng trước."
)

# (order, code, group, name, max points, target, source, formula)
INDICATORS = (
    (
        1,
        "cong-khai",
        "publicity",
        "Công khai, minh bạch",
        Decimal("18"),
        Decimal("1"),
        "manual",
        "Tỷ lệ thủ tục hành chính và tiến độ, kết quả giải quyết hồ sơ được công khai đầy đủ, đúng hạn "
        "trên Cổng dịch vụ công và tại bộ phận một cửa, do Phòng CCHC đánh giá và nhập theo tháng.",
    ),
    (
        2,
        "tien-do",
        "progress",
        "Tiến độ giải quyết",
        Decimal("20"),
        Decimal("0.98"),
        "progress",
        "Tỷ lệ = (số hồ sơ giải quyết trước hạn + đúng hạn + đang giải quyết còn trong hạn tại ngày cuối tháng) "
        "/ (số hồ sơ đã giải quyết trong tháng + đang giải quyết tại ngày cuối tháng).",
    ),
    (
        3,
        "truc-tuyen",
        "online",
        "Dịch vụ trực tuyến",
        Decimal("12"),
        Decimal("0.5"),
        "online",
        "Tỷ lệ = số hồ sơ tiếp nhận trực tuyến trong tháng / tổng số hồ sơ tiếp nhận trong tháng.",
    ),
    (
        4,
        "thanh-toan",
        "payment",
        "Thanh toán trực tuyến",
        Decimal("10"),
        Decimal("0.3"),
        "payment",
        "Tỷ lệ = số hồ sơ tiếp nhận trong tháng được thanh toán phí, lệ phí trực tuyến "
        "/ tổng số hồ sơ tiếp nhận trong tháng.",
    ),
    (
        5,
        "so-hoa",
        "digitisation",
        "Số hóa hồ sơ",
        Decimal("22"),
        Decimal("0.8"),
        "digitisation",
        "Tỷ lệ = số hồ sơ tiếp nhận trong tháng được số hóa / tổng số hồ sơ tiếp nhận trong tháng.",
    ),
    (
        6,
        "hai-long",
        "satisfaction",
        "Mức độ hài lòng",
        Decimal("18"),
        None,
        "satisfaction",
        "Tỷ lệ = điểm trung bình các lượt đánh giá gửi trong tháng về hồ sơ của đơn vị / 18 "
        "(9 tiêu chí × 2 điểm); không có chỉ tiêu nên điểm bằng chính điểm trung bình.",
    ),
)


def _seed(apps, schema_editor):
    indicator_set_model = apps.get_model("indicators", "IndicatorSet")
    indicator_model = apps.get_model("indicators", "Indicator")
    indicator_set, _created = indicator_set_model.objects.get_or_create(
        code=SET_CODE,
        defaults={
            "name": (
                "Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp "
                "trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử"
            ),
            "legal_basis": "Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ",
            "effective_from": dt.date(2022, 6, 23),
            "effective_to": None,
            "note": NOTE,
        },
    )
    for order, code, group, name, max_points, target, source, formula in INDICATORS:
        indicator_model.objects.get_or_create(
            indicator_set=indicator_set,
            code=code,
            defaults={
                "group": group,
                "name": name,
                "max_points": max_points,
                "target": target,
                "source": source,
                "formula": formula,
                "order": order,
            },
        )


def _unseed(apps, schema_editor):
    apps.get_model("indicators", "IndicatorSet").objects.filter(code=SET_CODE).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_indicator_set")]

    operations = [migrations.RunPython(_seed, _unseed)]
