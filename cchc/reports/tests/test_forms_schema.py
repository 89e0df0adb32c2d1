"""A report form's validation: required, types, ranges, cross-field rules, each located."""

from decimal import Decimal

import pytest

from cchc.reports import forms_schema

FORM = [
    {
        "code": "II.3",
        "title": "Cải cách thủ tục hành chính",
        "fields": [
            {"code": "received", "label": "Số hồ sơ tiếp nhận", "type": "integer", "required": True, "min": 0},
            {"code": "resolved", "label": "Số hồ sơ đã giải quyết", "type": "integer", "required": True, "min": 0},
            {"code": "on_time_rate", "label": "Tỷ lệ đúng hạn (%)", "type": "percent"},
            {"code": "note", "label": "Ghi chú", "type": "text"},
        ],
    }
]
RULES = [{"left": "resolved", "op": "<=", "right": "received", "message": "không được lớn hơn số hồ sơ tiếp nhận"}]


def test_good_answers_are_typed():
    values, errors = forms_schema.validate(
        FORM, RULES, {"received": "1.234", "resolved": "1200", "on_time_rate": "97,5", "note": " ổn "}
    )
    assert errors == []
    assert values == {"received": 1234, "resolved": 1200, "on_time_rate": Decimal("97.5"), "note": "ổn"}


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"resolved": "1"}, "received", "bắt buộc phải nhập"),
        ({"received": "abc", "resolved": "1"}, "received", "không phải là số nguyên"),
        ({"received": "-1", "resolved": "0"}, "received", "lớn hơn hoặc bằng 0"),
        ({"received": "5", "resolved": "1", "on_time_rate": "101"}, "on_time_rate", "nhỏ hơn hoặc bằng 100"),
        ({"received": "5", "resolved": "6"}, "resolved", "không được lớn hơn số hồ sơ tiếp nhận"),
    ],
)
def test_each_error_names_the_section_and_field(answers, field, words):
    _values, errors = forms_schema.validate(FORM, RULES, answers)
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"mục II.3, trường {field}: ")
    assert words in str(errors[0])


def test_a_broken_form_definition_is_reported():
    form = [*FORM, {"code": "II.3", "title": "", "fields": [{"code": "received", "label": "", "type": "date"}]}]
    errors = forms_schema.form_errors(form, [{"left": "x", "op": "~", "right": "received"}])
    assert "Mục II.3: mã mục bị lặp." in errors
    assert any("received: mã trường bị lặp" in e for e in errors)
    assert any("kiểu 'date' không hợp lệ" in e for e in errors)
    assert any("phép so sánh '~'" in e for e in errors)
    assert any("không có trường 'x'" in e for e in errors)
