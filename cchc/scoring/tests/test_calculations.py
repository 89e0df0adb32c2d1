"""The PAR index scoring engine, without a database.

Every expected figure is worked out by hand (the arithmetic is written next to it)
and never computed with the code under test. Hypothesis checks the invariants that
must hold for any input: a percent in [0, 100], scores in [0, max], and a ranking
that is a competition ranking of a permutation of the keys.
"""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cchc.scoring.calculations import (
    DEFAULT_BANDS,
    CriterionScore,
    DomainResult,
    NaPolicy,
    Ranked,
    Rule,
    RuleKind,
    band_errors,
    band_for,
    fmt,
    index_result,
    rank,
    round_points,
    rule_errors,
    rule_score,
    sensitivity,
    to_decimal,
    year_over_year,
)

D = Decimal
FULL, REMOVE = NaPolicy.FULL_POINTS, NaPolicy.REMOVE
BANDS_3 = Rule(RuleKind.BANDS, bands=((D("0.5"), D(1)), (D("0.8"), D(2)), (D(1), D(3))))
TARGET_90 = Rule(RuleKind.LINEAR_TO_TARGET, target=D("0.9"))
DEDUCT = Rule(RuleKind.DEDUCTION, deduction=D("0.5"), floor=D("0.5"))
SURVEY_5 = Rule(RuleKind.SURVEY, scale_max=D(5))
FOUR_BANDS = ((D(90), "Tốt"), (D(75), "Khá"), (D(50), "Trung bình"), (D(0), "Yếu"))


def crit(code: str, domain: str, max_points: str, self_score: str | None = None, appraised: str | None = None,
         *, na: bool = False, policy: NaPolicy = REMOVE) -> CriterionScore:  # fmt: skip
    return CriterionScore(
        code=code,
        domain=domain,
        max_points=D(max_points),
        self_score=None if self_score is None else D(self_score),
        appraised_score=None if appraised is None else D(appraised),
        not_applicable=na,
        na_policy=policy,
    )


# -- numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.005", "1.01"),  # exactly half a cent goes up
        ("1.004", "1.00"),
        ("2.675", "2.68"),  # 2.675 as a float is 2.67499…; as a Decimal it rounds up
        ("84.995", "85.00"),
        ("85.0049", "85.00"),
        ("0.015", "0.02"),  # half-up, not banker's rounding (which gives 0.02 here too) …
        ("0.025", "0.03"),  # … but gives 0.02 here
        ("100", "100.00"),
        ("-0.005", "-0.01"),  # half away from zero
        ("-0.004", "0.00"),
    ],
)
def test_round_points_half_up_to_cents(value: str, expected: str) -> None:
    result = round_points(D(value))
    assert result == D(expected)
    assert str(result) == expected  # two decimals, and never "-0.00"


def test_round_points_refuses_non_finite() -> None:
    with pytest.raises(ValueError, match="hữu hạn"):
        round_points(D("NaN"))


@pytest.mark.parametrize(
    ("value", "expected"), [(D("1.50"), D("1.5")), (3, D(3)), (" 0.8 ", D("0.8")), (0.1, D("0.1")), ("1e2", D(100))]
)
def test_to_decimal_accepts_numbers_from_forms_and_json(value: object, expected: Decimal) -> None:
    assert to_decimal(value, "Giá trị") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "phải là một số, không phải giá trị đúng/sai."),
        ("abc", "không phải là một số: «abc»."),
        (None, "phải là một số (nhận NoneType)."),
        (D("Infinity"), "phải là một số hữu hạn (nhận Infinity)."),
        (float("nan"), "phải là một số hữu hạn (nhận nan)."),
    ],
)
def test_to_decimal_refuses_what_is_not_a_finite_number(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=f"^Điểm của X {re.escape(message)}$"):
        to_decimal(value, "Điểm của X")


@pytest.mark.parametrize(("value", "text"), [(D("14.50"), "14,5"), (D("1E+2"), "100"), (D("-0.25"), "-0,25")])
def test_fmt_writes_numbers_the_vietnamese_way(value: Decimal, text: str) -> None:
    assert fmt(value) == text


# -- rules: construction and consistency -------------------------------------------


def test_rule_reads_stored_strings_and_json_numbers() -> None:
    rule = Rule("bands", bands=[[0.5, "1"], ("0.8", 2)])  # type: ignore[arg-type]
    assert rule.kind is RuleKind.BANDS
    assert rule.bands == ((D("0.5"), D(1)), (D("0.8"), D(2)))
    assert Rule(RuleKind.LINEAR_TO_TARGET, target="0.9").target == D("0.9")  # type: ignore[arg-type]
    assert rule == Rule(RuleKind.BANDS, bands=((D("0.5"), D(1)), (D("0.8"), D(2))))
    assert hash(rule) == hash(Rule(RuleKind.BANDS, bands=((D("0.5"), D(1)), (D("0.8"), D(2)))))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "percentage"}, "Loại quy tắc chấm điểm không hợp lệ: «percentage»"),
        ({"kind": "bands", "bands": ((D("0.5"),),)}, "Khung thứ 1 phải gồm đúng hai số"),
        ({"kind": "bands", "bands": ("05",)}, "Khung thứ 1 phải gồm đúng hai số"),
        ({"kind": "bands", "bands": ((D(0), "x"),)}, "Số điểm của khung thứ 1 không phải là một số"),
        ({"kind": "deduction", "deduction": True}, "Số điểm trừ mỗi lỗi phải là một số"),
    ],
)
def test_rule_refuses_values_that_are_not_numbers(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Rule(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "rule",
    [
        Rule(RuleKind.MANUAL),
        Rule(RuleKind.BINARY),
        Rule(RuleKind.LINEAR),
        BANDS_3,
        Rule(RuleKind.BANDS, bands=((D(1), D(3)), (D("0.8"), D(2)), (D(0), D(0)))),  # descending is fine too
        Rule(RuleKind.BANDS, bands=((D(0), D(3)),)),
        TARGET_90,
        Rule(RuleKind.LINEAR_TO_TARGET, target=D(1)),
        DEDUCT,
        Rule(RuleKind.DEDUCTION, deduction=D(1), floor=D(3)),  # floor = max
        SURVEY_5,
        Rule(RuleKind.LINEAR, bands=((D(9), D(9)),), target=D(7), deduction=D(-1)),  # other kinds' fields ignored
    ],
)
def test_consistent_rules_have_no_errors(rule: Rule) -> None:
    assert rule_errors(rule, D(3)) == []


@pytest.mark.parametrize(
    ("rule", "max_points", "errors"),
    [
        (Rule(RuleKind.LINEAR), D(0), ["Điểm tối đa phải lớn hơn 0 (nhận 0)."]),
        (Rule(RuleKind.BINARY), D("-1.5"), ["Điểm tối đa phải lớn hơn 0 (nhận -1,5)."]),
        (Rule(RuleKind.MANUAL), "x", ["Điểm tối đa không phải là một số: «x»."]),
        (Rule(RuleKind.BANDS), D(3), ["Quy tắc theo khung cần ít nhất một khung."]),
        (
            Rule(RuleKind.BANDS, bands=((D("-0.1"), D(1)), (D("1.2"), D(2)))),
            D(3),
            [
                "Khung thứ 1: tỷ lệ tối thiểu -0,1 phải nằm trong khoảng từ 0 đến 1.",
                "Khung thứ 2: tỷ lệ tối thiểu 1,2 phải nằm trong khoảng từ 0 đến 1.",
            ],
        ),
        (
            Rule(RuleKind.BANDS, bands=((D("0.5"), D("-1")), (D(1), D("3.5")))),
            D(3),
            ["Khung thứ 1: số điểm -1 phải từ 0 đến 3.", "Khung thứ 2: số điểm 3,5 phải từ 0 đến 3."],
        ),
        (
            Rule(RuleKind.BANDS, bands=((D("0.5"), D(1)), (D("0.50"), D(2)))),
            D(3),
            ["Tỷ lệ tối thiểu 0,5 xuất hiện ở nhiều khung."],
        ),
        (
            Rule(RuleKind.BANDS, bands=((D("0.5"), D(1)), (D(1), D(3)), (D("0.8"), D(2)))),
            D(3),
            ["Các khung phải được sắp xếp theo tỷ lệ tối thiểu tăng dần (hoặc giảm dần)."],
        ),
        (
            Rule(RuleKind.BANDS, bands=((D(1), D(5)), (D(0), D(-1)))),
            D(0),  # points are not compared with a maximum that is itself wrong, only with 0
            ["Điểm tối đa phải lớn hơn 0 (nhận 0).", "Khung thứ 2: số điểm -1 phải không âm."],
        ),
        (
            Rule(RuleKind.DEDUCTION, deduction=D(1), floor=D(-1)),
            D(-2),
            ["Điểm tối đa phải lớn hơn 0 (nhận -2).", "Mức điểm sàn phải không âm (nhận -1)."],
        ),
        (
            Rule(RuleKind.LINEAR_TO_TARGET),
            D(3),
            ["Quy tắc tuyến tính theo chỉ tiêu cần có chỉ tiêu (tỷ lệ cần đạt)."],
        ),
        (
            Rule(RuleKind.LINEAR_TO_TARGET, target=D(0)),
            D(3),
            ["Chỉ tiêu phải lớn hơn 0 và không quá 1 (100 %) (nhận 0)."],
        ),
        (
            Rule(RuleKind.LINEAR_TO_TARGET, target=D("1.01")),
            D(3),
            ["Chỉ tiêu phải lớn hơn 0 và không quá 1 (100 %) (nhận 1,01)."],
        ),
        (Rule(RuleKind.DEDUCTION), D(3), ["Số điểm trừ mỗi lỗi phải lớn hơn 0 (nhận 0)."]),
        (
            Rule(RuleKind.DEDUCTION, deduction=D("-0.5")),
            D(3),
            ["Số điểm trừ mỗi lỗi phải lớn hơn 0 (nhận -0,5)."],
        ),
        (
            Rule(RuleKind.DEDUCTION, deduction=D(1), floor=D("-0.25")),
            D(3),
            ["Mức điểm sàn phải từ 0 đến 3 (nhận -0,25)."],
        ),
        (
            Rule(RuleKind.DEDUCTION, deduction=D(1), floor=D("3.25")),
            D(3),
            ["Mức điểm sàn phải từ 0 đến 3 (nhận 3,25)."],
        ),
        (Rule(RuleKind.SURVEY), D(3), ["Quy tắc theo khảo sát cần có điểm cao nhất của thang đánh giá."]),
        (
            Rule(RuleKind.SURVEY, scale_max=D(0)),
            D(3),
            ["Điểm cao nhất của thang đánh giá phải lớn hơn 0 (nhận 0)."],
        ),
    ],
)
def test_rule_errors_names_every_inconsistency(rule: Rule, max_points: Decimal, errors: list[str]) -> None:
    assert rule_errors(rule, max_points) == errors


def test_rule_score_refuses_an_inconsistent_rule() -> None:
    with pytest.raises(ValueError, match=r"^Quy tắc chấm điểm không hợp lệ: Quy tắc tuyến tính theo chỉ tiêu cần có"):
        rule_score(Rule(RuleKind.LINEAR_TO_TARGET), D(2), D("0.5"))


# -- rules: scores -----------------------------------------------------------------


@pytest.mark.parametrize(
    "rule", [Rule(RuleKind.MANUAL), Rule(RuleKind.BINARY), Rule(RuleKind.LINEAR), BANDS_3, TARGET_90, DEDUCT, SURVEY_5]
)
def test_no_value_means_not_yet_scored(rule: Rule) -> None:
    assert rule_score(rule, D(3), None) is None


@pytest.mark.parametrize(("value", "expected"), [(D(0), D(0)), (D("1.25"), D("1.25")), (D(2), D(2)), (1, D(1))])
def test_manual_points_are_taken_as_typed(value: Decimal, expected: Decimal) -> None:
    assert rule_score(Rule(RuleKind.MANUAL), D(2), value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (D("-0.01"), "Điểm chấm -0,01 phải từ 0 đến 2."),
        (D("2.01"), "Điểm chấm 2,01 phải từ 0 đến 2."),
        (True, "Điểm chấm phải là một số, không phải giá trị đúng/sai."),
    ],
)
def test_manual_points_outside_the_range_are_refused(value: Decimal, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        rule_score(Rule(RuleKind.MANUAL), D(2), value)


@pytest.mark.parametrize(
    ("value", "expected"), [(True, D("1.5")), (1, D("1.5")), (D(1), D("1.5")), (False, D(0)), (0, D(0)), (D(0), D(0))]
)
def test_binary_gives_all_or_nothing(value: bool | int | Decimal, expected: Decimal) -> None:
    assert rule_score(Rule(RuleKind.BINARY), D("1.5"), value) == expected


def test_binary_refuses_a_string_because_zero_as_text_is_truthy() -> None:
    with pytest.raises(ValueError, match="không phải chuỗi ký tự"):
        rule_score(Rule(RuleKind.BINARY), D(1), "0")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("0", "0"),  # below every band
        ("0.4999", "0"),
        ("0.5", "1"),  # exactly on a threshold is in
        ("0.7999", "1"),
        ("0.8", "2"),
        ("0.9999", "2"),
        ("1", "3"),
    ],
)
def test_bands_the_highest_threshold_reached_wins(rate: str, expected: str) -> None:
    descending = Rule(RuleKind.BANDS, bands=tuple(reversed(BANDS_3.bands)))
    assert rule_score(BANDS_3, D(3), D(rate)) == D(expected)
    assert rule_score(descending, D(3), D(rate)) == D(expected)


def test_bands_may_give_fewer_points_for_a_higher_rate() -> None:
    """A late-dossier rate: the more late dossiers, the fewer points."""
    late = Rule(RuleKind.BANDS, bands=((D(0), D(2)), (D("0.05"), D(1)), (D("0.1"), D(0))))
    assert [rule_score(late, D(2), D(r)) for r in ("0", "0.05", "0.2")] == [D(2), D(1), D(0)]


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("0", "0"), ("1", "4"), ("0.875", "3.5"), ("0.3333", "1.3332")],  # 0.3333 × 4, not rounded
)
def test_linear_is_rate_times_maximum(rate: str, expected: str) -> None:
    assert rule_score(Rule(RuleKind.LINEAR), D(4), D(rate)) == D(expected)


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("0", "0"),
        ("0.45", "1"),  # 0.45 / 0.9 × 2
        ("0.9", "2"),  # target reached
        ("0.95", "2"),  # target exceeded: capped
        ("1", "2"),
    ],
)
def test_linear_to_target_is_capped_at_the_target(rate: str, expected: str) -> None:
    assert rule_score(TARGET_90, D(2), D(rate)) == D(expected)


def test_linear_to_target_is_not_rounded() -> None:
    """0.6 / 0.9 × 2 = 4/3 = 1.3333…, kept to far more than two decimals."""
    score = rule_score(TARGET_90, D(2), D("0.6"))
    assert score is not None
    assert abs(score - D(4) / D(3)) < D("1e-25")
    assert round_points(score) == D("1.33")


def test_linear_to_target_is_exact_so_half_cents_round_up() -> None:
    """0.6 / 0.8 × 1.5 = 1.125 exactly; published 1.13 (a float division would give 1.12499…)."""
    score = rule_score(Rule(RuleKind.LINEAR_TO_TARGET, target=D("0.8")), D("1.5"), D("0.6"))
    assert score == D("1.125")
    assert score is not None
    assert round_points(score) == D("1.13")


@pytest.mark.parametrize("kind", [RuleKind.BANDS, RuleKind.LINEAR, RuleKind.LINEAR_TO_TARGET])
@pytest.mark.parametrize(("rate", "shown"), [(D("-0.01"), "-0,01"), (D("1.01"), "1,01"), (D(100), "100")])
def test_rates_outside_zero_to_one_are_refused(kind: RuleKind, rate: Decimal, shown: str) -> None:
    rule = {RuleKind.BANDS: BANDS_3, RuleKind.LINEAR: Rule(RuleKind.LINEAR), RuleKind.LINEAR_TO_TARGET: TARGET_90}
    with pytest.raises(ValueError, match=f"^Tỷ lệ {shown} phải nằm trong khoảng từ 0 đến 1 \\(0 % đến 100 %\\).$"):
        rule_score(rule[kind], D(3), rate)


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        (0, "2"),
        (1, "1.5"),  # 2 − 1 × 0.5
        (2, "1"),
        (3, "0.5"),  # exactly the floor
        (4, "0.5"),  # would be 0: held at the floor
        (100, "0.5"),
        (D("2"), "1"),  # a whole Decimal from the database
    ],
)
def test_deduction_stops_at_the_floor(faults: int, expected: str) -> None:
    assert rule_score(DEDUCT, D(2), faults) == D(expected)


def test_deduction_floor_defaults_to_zero() -> None:
    assert rule_score(Rule(RuleKind.DEDUCTION, deduction=D("0.75")), D(2), 5) == D(0)


@pytest.mark.parametrize(
    ("faults", "message"),
    [
        (-1, "Số lỗi phải là số nguyên không âm (nhận -1)."),
        (D("1.5"), "Số lỗi phải là số nguyên không âm (nhận 1,5)."),
        (True, "Số lỗi phải là một số, không phải giá trị đúng/sai."),
    ],
)
def test_deduction_needs_a_whole_non_negative_count(faults: int, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        rule_score(DEDUCT, D(2), faults)


@pytest.mark.parametrize(
    ("mean", "expected"),
    [
        ("0", "0"),
        ("5", "3"),  # the top of the scale gives the maximum
        ("4", "2.4"),  # 4 / 5 × 3
        ("4.2", "2.52"),
        ("6", "3"),  # above the scale: clamped
        ("-1", "0"),  # below: clamped
    ],
)
def test_survey_mean_is_scaled_to_the_maximum(mean: str, expected: str) -> None:
    assert rule_score(SURVEY_5, D(3), D(mean)) == D(expected)


def test_survey_on_the_18_point_dossier_rating() -> None:
    """Mean 13.5 of 18 on a 10-point criterion: 13.5 / 18 × 10 = 7.5."""
    assert rule_score(Rule(RuleKind.SURVEY, scale_max=D(18)), D(10), D("13.5")) == D("7.5")


# -- criteria ----------------------------------------------------------------------


def test_appraised_score_counts_and_overrides_the_self_score() -> None:
    c = crit("1.1", "1", "2", self_score="2", appraised="1.5")
    assert (c.final_points, c.self_points, c.removed, c.full_points) == (D("1.5"), D(2), False, False)


def test_unappraised_criterion_has_no_final_points() -> None:
    c = crit("1.1", "1", "2", self_score="1")
    assert (c.final_points, c.self_points) == (None, D(1))
    assert crit("1.2", "1", "2").self_points == D(0)


def test_not_applicable_with_full_points_counts_the_maximum_whatever_was_typed() -> None:
    c = crit("1.1", "1", "2", self_score="0", appraised="0.5", na=True, policy=FULL)
    assert (c.final_points, c.self_points, c.full_points, c.removed) == (D(2), D(2), True, False)


def test_not_applicable_removed_counts_nothing() -> None:
    c = crit("1.1", "1", "2", self_score="2", appraised="2", na=True)
    assert c.na_policy is REMOVE  # the default
    assert (c.final_points, c.self_points, c.removed) == (None, D(0), True)


def test_policy_flag_alone_does_nothing() -> None:
    c = crit("1.1", "1", "2", appraised="1", policy=FULL)
    assert (c.final_points, c.full_points, c.removed) == (D(1), False, False)


def test_criterion_reads_its_policy_from_the_stored_string() -> None:
    c = CriterionScore(code="1.1", domain="1", max_points=D(2), not_applicable=True, na_policy="full")  # type: ignore[arg-type]
    assert c.na_policy is FULL
    assert c.final_points == D(2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_points": D(0)}, "Tiêu chí 1.1: điểm tối đa phải lớn hơn 0 (nhận 0)."),
        ({"self_score": D("2.5")}, "Tiêu chí 1.1: điểm tự chấm 2,5 phải từ 0 đến 2 (điểm tối đa)."),
        ({"appraised_score": D("-0.5")}, "Tiêu chí 1.1: điểm thẩm định -0,5 phải từ 0 đến 2 (điểm tối đa)."),
        ({"na_policy": "zero"}, "Tiêu chí 1.1: cách xử lý «không phát sinh» không hợp lệ: «zero»."),
    ],
)
def test_criterion_refuses_impossible_scores(kwargs: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"code": "1.1", "domain": "1", "max_points": D(2), **kwargs}
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        CriterionScore(**values)  # type: ignore[arg-type]


# -- one unit's index --------------------------------------------------------------


def test_index_worked_example() -> None:
    """1.1: 1.5 / 2; 1.2 N/A removed; 2.1 unscored / 3; survey 8 / 10.

    points = 1.5 + 0 + 8 = 9.5; maximum = 2 + 3 + 10 = 15; 9.5 / 15 = 63.333… % → 63.33, C.
    """
    result = index_result(
        [crit("1.1", "1", "2", "2", "1.5"), crit("1.2", "1", "1", na=True), crit("2.1", "2", "3", "3")],
        survey_points=D(8),
        survey_maximum=D(10),
    )
    assert (result.points, result.maximum, result.percent, result.band) == (D("9.50"), D(15), D("63.33"), "C")
    assert result.domains == (
        DomainResult(domain="1", points=D("1.50"), maximum=D(2), unscored=0),
        DomainResult(domain="2", points=D("0.00"), maximum=D(3), unscored=1),
    )
    assert (result.survey_points, result.survey_maximum) == (D(8), D(10))
    assert result.self_points == D("5.00")  # 2 + 3; the removed criterion and the survey do not count
    assert result.unscored == 1


def test_not_applicable_full_points_versus_removed() -> None:
    """Same sheet, two policies for 1.2 (max 4).

    full: points 3 + 4 = 7 of 10 → 70 %; removed: 3 of 6 → 50 %.
    """
    scored = crit("1.1", "1", "6", "5", "3")
    full = index_result([scored, crit("1.2", "1", "4", na=True, policy=FULL)])
    removed = index_result([scored, crit("1.2", "1", "4", na=True, policy=REMOVE)])
    assert (full.points, full.maximum, full.percent, full.self_points) == (D("7.00"), D(10), D("70.00"), D("9.00"))
    assert (removed.points, removed.maximum, removed.percent, removed.self_points) == (
        D("3.00"),
        D(6),
        D("50.00"),
        D("5.00"),
    )
    assert full.domains[0].unscored == removed.domains[0].unscored == 0


def test_unscored_criteria_count_zero_but_keep_their_maximum() -> None:
    """3 of 3 appraised would be 100 %; with two left unscored: 1 / 3 → 33.33 %."""
    result = index_result([crit("1.1", "1", "1", "1", "1"), crit("1.2", "1", "1", "1"), crit("2.1", "2", "1", "1")])
    assert (result.points, result.maximum, result.percent) == (D("1.00"), D(3), D("33.33"))
    assert [(d.domain, d.unscored) for d in result.domains] == [("1", 1), ("2", 1)]
    assert result.self_points == D("3.00")


def test_domains_keep_the_order_they_first_appear_in() -> None:
    result = index_result([crit("3.1", "3", "1", appraised="1"), crit("1.1", "1", "1"), crit("3.2", "3", "1")])
    assert [d.domain for d in result.domains] == ["3", "1"]


def test_domain_whose_criteria_are_all_removed_is_listed_with_maximum_zero() -> None:
    result = index_result([crit("1.1", "1", "2", appraised="2"), crit("2.1", "2", "3", "3", "3", na=True)])
    assert result.domains[1] == DomainResult(domain="2", points=D("0.00"), maximum=D(0), unscored=0)
    assert (result.points, result.maximum, result.percent, result.band) == (D("2.00"), D(2), D("100.00"), "A")


def test_empty_input_has_maximum_zero_and_percent_zero() -> None:
    result = index_result([])
    assert (result.points, result.maximum, result.percent, result.band) == (D("0.00"), D(0), D(0), "C")
    assert (result.domains, result.self_points, result.unscored) == ((), D("0.00"), 0)


def test_everything_removed_and_no_survey_has_percent_zero() -> None:
    result = index_result([crit("1.1", "1", "2", na=True)])
    assert (result.maximum, result.percent) == (D(0), D(0))


def test_survey_alone() -> None:
    """15 / 20 = 75 %."""
    result = index_result([], survey_points=D(15), survey_maximum=D(20))
    assert (result.points, result.maximum, result.percent, result.band) == (D("15.00"), D(20), D("75.00"), "C")


@pytest.mark.parametrize(
    ("points", "maximum", "message"),
    [
        (D("-0.5"), D(20), "Điểm khảo sát -0,5 phải từ 0 đến 20."),
        (D("20.01"), D(20), "Điểm khảo sát 20,01 phải từ 0 đến 20."),
        (D(1), D(0), "Điểm khảo sát 1 phải từ 0 đến 0."),
        (D(0), D(-5), "Điểm tối đa của khảo sát phải không âm (nhận -5)."),
    ],
)
def test_survey_points_out_of_range_are_refused(points: Decimal, maximum: Decimal, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        index_result([], survey_points=points, survey_maximum=maximum)


def test_survey_at_zero_and_at_its_maximum() -> None:
    base = [crit("1.1", "1", "80", appraised="60")]
    assert index_result(base, survey_points=D(0), survey_maximum=D(20)).percent == D("60.00")  # 60 / 100
    assert index_result(base, survey_points=D(20), survey_maximum=D(20)).percent == D("80.00")  # 80 / 100


def test_a_criterion_code_given_twice_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^Tiêu chí 1\.1 xuất hiện nhiều lần trong bảng điểm\.$"):
        index_result([crit("1.1", "1", "1"), crit("1.1", "1", "1")])


def test_percent_rounds_half_up_from_the_exact_points() -> None:
    """17.001 / 20 = 85.005 % exactly → 85.01 % (half up), points 17.00."""
    result = index_result([crit("1.1", "1", "20", appraised="17.001")])
    assert (result.points, result.percent, result.band) == (D("17.00"), D("85.01"), "B")


@pytest.mark.parametrize(
    ("appraised", "percent", "band"),
    [
        ("100", "100.00", "A"),
        ("90", "90.00", "A"),  # exactly on the A threshold
        ("89.995", "90.00", "A"),  # published as 90.00: an A
        ("89.99", "89.99", "B"),
        ("80", "80.00", "B"),  # exactly on the B threshold
        ("79.994", "79.99", "C"),
        ("0", "0.00", "C"),
    ],
)
def test_index_band_boundaries(appraised: str, percent: str, band: str) -> None:
    result = index_result([crit("1.1", "1", "100", appraised=appraised)])
    assert (result.percent, result.band) == (D(percent), band)


def test_index_uses_configured_bands() -> None:
    """45 + 30 = 75 of 100 → 75 %: "Khá" with four bands, "C" with the default three."""
    sheet = [crit("1.1", "1", "50", appraised="45"), crit("2.1", "2", "50", appraised="30")]
    assert index_result(sheet, bands=FOUR_BANDS).band == "Khá"
    assert index_result(sheet).band == "C"


def test_domain_points_are_rounded_each_and_the_total_once() -> None:
    """1.004 + 1.004 = 2.008: each domain 1.00, the total 2.01 (a cent off their sum)."""
    result = index_result([crit("1.1", "1", "2", appraised="1.004"), crit("2.1", "2", "2", appraised="1.004")])
    assert [d.points for d in result.domains] == [D("1.00"), D("1.00")]
    assert result.points == D("2.01")


# -- bands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "band"),
    [("100", "A"), ("90", "A"), ("90.00", "A"), ("89.99", "B"), ("80", "B"), ("79.99", "C"), ("0", "C")],
)
def test_default_bands(percent: str, band: str) -> None:
    assert band_for(D(percent)) == band
    assert band_for(D(percent), DEFAULT_BANDS) == band


@pytest.mark.parametrize(
    ("percent", "band"), [("90", "Tốt"), ("89.99", "Khá"), ("75", "Khá"), ("50", "Trung bình"), ("49.99", "Yếu")]
)
def test_configured_bands(percent: str, band: str) -> None:
    assert band_for(D(percent), FOUR_BANDS) == band


@pytest.mark.parametrize(
    ("bands", "errors"),
    [
        ((), ["Bảng xếp loại cần ít nhất một mức."]),
        (((D(80), "B"), (D(90), "A"), (D(0), "C")), ["Các ngưỡng xếp loại phải giảm dần và không trùng nhau."]),
        (((D(80), "A"), (D(80), "B"), (D(0), "C")), ["Các ngưỡng xếp loại phải giảm dần và không trùng nhau."]),
        (((D(90), "A"), (D(50), "B")), ["Mức thấp nhất phải có ngưỡng 0 % để mọi kết quả đều được xếp loại."]),
        (((D(110), "A"), (D(0), "C")), ["Ngưỡng của mức thứ 1 (110 %) phải từ 0 đến 100."]),
        (((D(90), " "), (D(0), "C")), ["Mức thứ 1 chưa có tên xếp loại."]),
        (((D(90), "A"), (D(0), "A")), ["Tên xếp loại «A» xuất hiện nhiều lần."]),
        (((D("NaN"), "A"), (D(0), "C")), ["Ngưỡng của mức thứ 1 phải là một số hữu hạn (nhận NaN)."]),
    ],
)
def test_band_errors(bands: tuple[tuple[Decimal, str], ...], errors: list[str]) -> None:
    assert band_errors(bands) == errors


def test_band_for_refuses_bad_tables_and_impossible_percents() -> None:
    assert band_errors(DEFAULT_BANDS) == band_errors(FOUR_BANDS) == []
    with pytest.raises(ValueError, match=r"^Bảng xếp loại không hợp lệ: Mức thấp nhất phải có ngưỡng 0 %"):
        band_for(D(95), ((D(90), "A"),))
    with pytest.raises(ValueError, match=r"^Tỷ lệ phần trăm 100,01 phải từ 0 đến 100\.$"):
        band_for(D("100.01"))
    with pytest.raises(ValueError, match=r"^Tỷ lệ phần trăm -1 phải từ 0 đến 100\.$"):
        band_for(D(-1))


# -- ranking -----------------------------------------------------------------------


def _ranks(values: dict[str, str]) -> list[tuple[str, int]]:
    return [(r.key, r.rank) for r in rank({k: D(v) for k, v in values.items()})]


def test_rank_descending_with_competition_ties() -> None:
    assert _ranks({"d": "70", "b": "85", "a": "90", "c": "85"}) == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_ties_that_exist_only_after_rounding_share_a_rank() -> None:
    """85.004 and 85.001 are both published as 85.00; 85.005 is published as 85.01."""
    ranked = rank({"x": D("85.001"), "y": D("85.004"), "z": D("85.005"), "w": D("84.995")})
    assert ranked == [
        Ranked(key="z", value=D("85.01"), rank=1),
        Ranked(key="w", value=D("85.00"), rank=2),  # 84.995 → 85.00 too: a three-way tie
        Ranked(key="x", value=D("85.00"), rank=2),
        Ranked(key="y", value=D("85.00"), rank=2),
    ]


def test_rank_edge_cases() -> None:
    assert rank({}) == []
    assert _ranks({"b": "50", "a": "50", "c": "50"}) == [("a", 1), ("b", 1), ("c", 1)]
    assert _ranks({"a": "1", "b": "2", "c": "2", "d": "2", "e": "0"}) == [
        ("b", 1),
        ("c", 1),
        ("d", 1),
        ("a", 4),
        ("e", 5),
    ]
    with pytest.raises(ValueError, match=r"^Giá trị của a phải là một số hữu hạn"):
        rank({"a": D("NaN")})


@pytest.mark.parametrize(
    ("current", "previous", "change"),
    [
        (D("85.5"), D("80.25"), D("5.25")),
        (D("80.25"), D("85.5"), D("-5.25")),
        (D(90), D(90), D("0.00")),
        (D("85.004"), D("84.996"), D("0.00")),  # both published as 85.00
        (D("85.005"), D("85.004"), D("0.01")),  # 85.01 − 85.00
        (D("84.996"), D("85.005"), D("-0.01")),  # 85.00 − 85.01
        (None, D(80), None),
        (D(80), None, None),
        (None, None, None),
    ],
)
def test_year_over_year(current: Decimal | None, previous: Decimal | None, change: Decimal | None) -> None:
    result = year_over_year(current, previous)
    assert result == change
    if change is not None:
        assert str(result) == str(change)  # two decimals, never "-0.00"


# -- sensitivity -------------------------------------------------------------------

# Two domains, 20 + 80 points. Base: A 20 + 58 = 78 %, B 8 + 71 = 79 %, C 15 + 50 = 65 %
# → B 1, A 2, C 3.
POINTS = {
    "A": {"1": D(20), "2": D(58)},
    "B": {"1": D(8), "2": D(71)},
    "C": {"1": D(15), "2": D(50)},
}
MAXIMA = {unit: {"1": D(20), "2": D(80)} for unit in POINTS}


def test_sensitivity_hand_computed_swap() -> None:
    """Domain 1 ×0.9 (max 18 + 80 = 98): A 76/98 = 77.55, B 78.2/98 = 79.80, C 63.5/98 = 64.80: unchanged.
    Domain 1 ×1.1 (max 102): A 80/102 = 78.43, B 79.8/102 = 78.24, C 66.5/102 = 65.20: A and B swap.
    Domain 2 ×0.9 (max 92): A 72.2/92 = 78.48, B 71.9/92 = 78.15, C 60/92 = 65.22: A and B swap.
    Domain 2 ×1.1 (max 108): A 83.8/108 = 77.59, B 86.1/108 = 79.72, C 70/108 = 64.81: unchanged.
    """
    rows = sensitivity(POINTS, MAXIMA)
    assert [(r.domain, r.factor) for r in rows] == [
        ("1", D("0.90")),
        ("1", D("1.10")),
        ("2", D("0.90")),
        ("2", D("1.10")),
    ]
    unchanged = {"B": 1, "A": 2, "C": 3}
    swapped = {"A": 1, "B": 2, "C": 3}
    assert [r.ranks for r in rows] == [unchanged, swapped, swapped, unchanged]
    assert [list(r.ranks) for r in rows] == [["B", "A", "C"], ["A", "B", "C"], ["A", "B", "C"], ["B", "A", "C"]]
    still = {"A": 0, "B": 0, "C": 0}
    moved = {"A": -1, "B": 1, "C": 0}
    assert [r.moved for r in rows] == [still, moved, moved, still]


def test_sensitivity_with_survey_points() -> None:
    """Each unit adds survey 15 / 20. Base: A 93/120 = 77.50, B 94/120 = 78.33, C 80/120 = 66.67.

    Domain 1 ×1.1 (max 122): A 95/122 = 77.87, B 94.8/122 = 77.70: swap.
    Domain 2 ×0.9 (max 112): A 87.2/112 = 77.86, B 86.9/112 = 77.59: swap.
    Domain 1 ×0.9 (max 118): A 91/118 = 77.12, B 93.2/118 = 78.98; domain 2 ×1.1 (max 128):
    A 98.8/128 = 77.19, B 101.1/128 = 78.98: unchanged.
    """
    survey = {unit: (D(15), D(20)) for unit in POINTS}
    rows = sensitivity(POINTS, MAXIMA, survey=survey)
    assert [r.moved["A"] for r in rows] == [0, -1, -1, 0]
    assert [r.moved["B"] for r in rows] == [0, 1, 1, 0]
    assert all(r.ranks["C"] == 3 for r in rows)


def test_sensitivity_larger_step_and_natural_domain_order() -> None:
    """Domain 10 is listed after domain 2. A 10 + 10 = 20/40 (50 %), B 5 + 14 = 19/40 (47.5 %).

    Domain 10 ×0.5: A 15/30 = 50, B 12/30 = 40; ×1.5: A 25/50 = 50, B 26/50 = 52 → B first.
    """
    points = {"A": {"2": D(10), "10": D(10)}, "B": {"2": D(5), "10": D(14)}}
    maxima = {"A": {"2": D(20), "10": D(20)}, "B": {"2": D(20), "10": D(20)}}
    rows = sensitivity(points, maxima, step=D("0.5"))
    assert [(r.domain, r.factor) for r in rows] == [
        ("2", D("0.5")),
        ("2", D("1.5")),
        ("10", D("0.5")),
        ("10", D("1.5")),
    ]
    assert rows[3].ranks == {"B": 1, "A": 2}
    assert rows[3].moved == {"B": -1, "A": 1}


def test_sensitivity_of_a_unit_without_some_domain() -> None:
    """B has no domain 2: weighting domain 2 leaves B at 8/10 = 80 % while A (7 + 14)/(10 + 20) = 70 % moves."""
    points = {"A": {"1": D(7), "2": D(14)}, "B": {"1": D(8)}}
    maxima = {"A": {"1": D(10), "2": D(20)}, "B": {"1": D(10)}}
    rows = sensitivity(points, maxima)
    assert all(r.ranks == {"B": 1, "A": 2} for r in rows)


@pytest.mark.parametrize(
    ("points", "maxima", "kwargs", "message"),
    [
        (POINTS, {**MAXIMA, "D": {"1": D(1)}}, {}, r"^Điểm và điểm tối đa phải có cùng các đơn vị \(lệch: D\)\.$"),
        (POINTS, {**MAXIMA, "A": {"1": D(20)}}, {}, r"^Đơn vị A: điểm và điểm tối đa phải có cùng các lĩnh vực"),
        (POINTS, MAXIMA, {"step": D(0)}, r"^Bước thay đổi trọng số phải lớn hơn 0 và nhỏ hơn 1 \(nhận 0\)\.$"),
        (POINTS, MAXIMA, {"step": D(1)}, r"^Bước thay đổi trọng số phải lớn hơn 0 và nhỏ hơn 1 \(nhận 1\)\.$"),
        (POINTS, MAXIMA, {"survey": {"Z": (D(1), D(2))}}, r"^Điểm khảo sát của đơn vị không có trong bảng điểm: Z\.$"),
        (POINTS, MAXIMA, {"survey": {"A": (D(21), D(20))}}, r"^Đơn vị A: điểm khảo sát 21 phải từ 0 đến 20\.$"),
    ],
)
def test_sensitivity_refuses_inconsistent_input(
    points: dict[str, dict[str, Decimal]],
    maxima: dict[str, dict[str, Decimal]],
    kwargs: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        sensitivity(points, maxima, **kwargs)  # type: ignore[arg-type]


def test_sensitivity_of_nothing() -> None:
    assert sensitivity({}, {}) == []


# -- invariants --------------------------------------------------------------------

cents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def criteria_sheets(draw: st.DrawFn) -> list[CriterionScore]:
    sheet = []
    for i in range(draw(st.integers(min_value=0, max_value=12))):
        maximum = draw(st.decimals(min_value=D("0.25"), max_value=20, places=2))
        appraised = draw(st.none() | st.decimals(min_value=0, max_value=maximum, places=3))
        self_score = draw(st.none() | st.decimals(min_value=0, max_value=maximum, places=2))
        sheet.append(
            CriterionScore(
                code=f"c{i}",
                domain=draw(st.sampled_from("12345678")),
                max_points=maximum,
                self_score=self_score,
                appraised_score=appraised,
                not_applicable=draw(st.booleans()),
                na_policy=draw(st.sampled_from(NaPolicy)),
            )
        )
    return sheet


@given(sheet=criteria_sheets(), survey=st.tuples(cents, cents).map(sorted))
def test_percent_is_between_0_and_100_and_parts_add_up(sheet: list[CriterionScore], survey: list[Decimal]) -> None:
    result = index_result(sheet, survey_points=survey[0], survey_maximum=survey[1])
    assert D(0) <= result.percent <= D(100)
    assert D(0) <= result.points <= result.maximum
    assert sum((d.maximum for d in result.domains), D(0)) + survey[1] == result.maximum
    assert abs(sum((d.points for d in result.domains), D(0)) + survey[0] - result.points) <= D("0.005") * (
        len(result.domains) + 1
    )
    assert result.band == band_for(result.percent)


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.decimals(min_value=0, max_value=100, places=3)))
def test_rank_is_a_competition_ranking_of_all_keys(values: dict[str, Decimal]) -> None:
    ranked = rank(values)
    assert sorted(r.key for r in ranked) == sorted(values)
    for position, r in enumerate(ranked):
        assert r.value == round_points(values[r.key])
        # competition rank = 1 + how many are published strictly higher
        assert r.rank == 1 + sum(1 for other in ranked if other.value > r.value)
        if position:
            before = ranked[position - 1]
            assert (-before.value, before.key) < (-r.value, r.key)  # descending, keys ascending within a tie
            assert before.rank <= r.rank


@given(
    rule=st.sampled_from([Rule(RuleKind.LINEAR), BANDS_3, TARGET_90, SURVEY_5]),
    maximum=st.decimals(min_value=3, max_value=100, places=2),  # BANDS_3 gives up to 3 points
    value=st.decimals(min_value=0, max_value=1, places=4),
)
def test_rule_scores_stay_between_0_and_the_maximum(rule: Rule, maximum: Decimal, value: Decimal) -> None:
    score = rule_score(rule, maximum, value * 6 if rule.kind is RuleKind.SURVEY else value)  # means up to 6 of 5
    assert score is not None
    assert D(0) <= score <= maximum


@given(
    faults=st.integers(min_value=0, max_value=1000), deduction=st.decimals(min_value=D("0.01"), max_value=5, places=2)
)
def test_deduction_never_leaves_floor_to_maximum(faults: int, deduction: Decimal) -> None:
    score = rule_score(Rule(RuleKind.DEDUCTION, deduction=deduction, floor=D("0.5")), D(2), faults)
    assert score is not None
    assert D("0.5") <= score <= D(2)


@given(st.decimals(min_value=-1000, max_value=1000, places=6))
def test_round_points_is_within_half_a_cent_and_idempotent(value: Decimal) -> None:
    rounded = round_points(value)
    assert abs(rounded - value) <= D("0.005")
    assert round_points(rounded) == rounded
    assert rounded.as_tuple().exponent == -2
