"""The PAR index (Chỉ số CCHC) scoring engine: pure functions, no ORM, no settings.

Everything here takes and returns plain values (``Decimal``, ``int``, ``str``, frozen
dataclasses), so that every figure can be checked by hand and tested without a
database. The rules are those of ``docs/domain.md`` §3:

* :class:`Rule` / :func:`rule_score`: one criterion's points from a measured value
  (binary, banded thresholds, linear, linear to a target, deductions with a floor,
  survey mean, or points typed by a person), checked by :func:`rule_errors`;
* :func:`round_points`: two decimals, half up, as published;
* :class:`CriterionScore` / :func:`index_result`: a unit's index
  ``(appraised points + survey points) / maximum × 100``, per domain and in total,
  with "không phát sinh" (N/A) criteria given full points or removed from the maximum;
* :func:`band_for`: the rating band (A ≥ 90 %, B ≥ 80 %, C below by default);
* :func:`rank`, :func:`year_over_year`, :func:`sensitivity`: the published ranking,
  the change against last year, and how the ranking moves when one domain weighs ±10 %.

Arithmetic runs in a private decimal context of 50 significant digits, multiplications
first and one division last, so a result with a finite decimal expansion is exact and
:func:`round_points` rounds the true value (1.005 → 1.01, never 1.00 because of a
binary float or an early division). Values may come from forms or JSON: every number
goes through :func:`to_decimal`, which accepts ``Decimal``, ``int``, ``str`` and
``float`` (read by its shortest ``repr``: 0.8 is 0.8) and refuses ``bool``, NaN and
infinities with a Vietnamese ``ValueError``.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from itertools import pairwise

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

# Wide enough that sums and products of scores never round; divisions round at the
# 50th significant digit, far below the cent that is published.
_CONTEXT = Context(prec=50)


# -- numbers -----------------------------------------------------------------------


def fmt(value: Decimal) -> str:
    """A number as Vietnamese users write it in a message: no exponent, no trailing zeros, decimal comma (14,5)."""
    return format(value.normalize(), "f").replace(".", ",")


def to_decimal(value: object, label: str) -> Decimal:
    """``value`` as a finite ``Decimal``; ``label`` names it in the Vietnamese error message.

    Accepts ``Decimal``, ``int``, ``str`` (surrounding spaces ignored) and ``float``
    (through its shortest ``repr``, so ``0.1`` gives ``Decimal("0.1")``). Refuses ``bool``
    (a checkbox is not a number), NaN, infinities and anything else with ``ValueError``.
    """
    result: Decimal
    if isinstance(value, bool):
        raise ValueError(f"{label} phải là một số, không phải giá trị đúng/sai.")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{label} không phải là một số: «{value}».") from None
    else:
        raise ValueError(f"{label} phải là một số (nhận {type(value).__name__}).")
    if not result.is_finite():
        raise ValueError(f"{label} phải là một số hữu hạn (nhận {value}).")
    return result


def round_points(value: Decimal) -> Decimal:
    """``value`` with two decimals, rounded half up (away from zero), as results are published.

    ``1.005`` → ``1.01``; ``84.994`` → ``84.99``; ``-0.005`` → ``-0.01``; a result that
    rounds to zero is always ``0.00``, never ``-0.00``. Raises ``ValueError`` for a
    non-finite value.

    >>> round_points(Decimal("2.675"))
    Decimal('2.68')
    """
    value = to_decimal(value, "Số điểm")
    with localcontext(_CONTEXT):
        result = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return abs(result) if result.is_zero() else result


def percent_of(points: Decimal, maximum: Decimal) -> Decimal:
    """``points / maximum × 100``, exact (not rounded); ``Decimal(0)`` when ``maximum`` is 0."""
    if maximum.is_zero():
        return ZERO
    with localcontext(_CONTEXT):
        return points * HUNDRED / maximum


# -- rules -------------------------------------------------------------------------


class RuleKind(StrEnum):
    """How a criterion turns a measured value into points; the values are the stored strings."""

    MANUAL = "manual"  # điểm do người chấm nhập
    BINARY = "binary"  # có / không
    BANDS = "bands"  # theo khung tỷ lệ
    LINEAR = "linear"  # tỷ lệ × điểm tối đa
    LINEAR_TO_TARGET = "linear_to_target"  # tỷ lệ / chỉ tiêu × điểm tối đa, tối đa bằng điểm tối đa
    DEDUCTION = "deduction"  # trừ điểm theo số lỗi, không thấp hơn mức sàn
    SURVEY = "survey"  # từ điểm trung bình khảo sát


@dataclass(frozen=True)
class Rule:
    """The scoring rule of one criterion; only the fields its ``kind`` uses matter.

    * ``bands`` (BANDS): ``(min_rate, points)`` pairs. The band with the highest
      ``min_rate`` that is ``<= rate`` wins; a rate below every band scores 0. Written
      in strictly ascending or strictly descending ``min_rate`` order, as the criteria
      table lists them. ``((0.5, 1), (0.8, 2), (1, 3))``: 79 % → 1, 80 % → 2, 100 % → 3,
      40 % → 0.
    * ``target`` (LINEAR_TO_TARGET): the rate that earns full points, in ``(0, 1]``.
    * ``deduction`` / ``floor`` (DEDUCTION): points lost per counted fault (> 0), and
      the score below which it never falls (``0 <= floor <= max``).
    * ``scale_max`` (SURVEY): the top of the rating scale (5 for a 5-point scale, 18 for
      the 9 × 2 dossier rating).

    The other fields are ignored, so switching a criterion's kind keeps its old values
    harmlessly. On construction the kind is read from its stored string and every
    number goes through :func:`to_decimal` (bands may come from JSON as lists of
    strings or floats); an unknown kind, a band that is not a pair, or a value that is
    not a number raises ``ValueError``. Whether the values are *consistent* is
    :func:`rule_errors`' job, so that a form can show every problem at once.
    """

    kind: RuleKind
    bands: tuple[tuple[Decimal, Decimal], ...] = ()
    target: Decimal | None = None
    deduction: Decimal = ZERO
    floor: Decimal = ZERO
    scale_max: Decimal | None = None

    def __post_init__(self) -> None:
        try:
            kind = RuleKind(self.kind)
        except ValueError:
            known = ", ".join(k.value for k in RuleKind)
            raise ValueError(f"Loại quy tắc chấm điểm không hợp lệ: «{self.kind}» (hợp lệ: {known}).") from None
        object.__setattr__(self, "kind", kind)
        bands = []
        for position, band in enumerate(self.bands, start=1):
            if not isinstance(band, Sequence) or isinstance(band, str | bytes) or len(band) != 2:
                raise ValueError(f"Khung thứ {position} phải gồm đúng hai số: tỷ lệ tối thiểu và số điểm.")
            bands.append(
                (
                    to_decimal(band[0], f"Tỷ lệ tối thiểu của khung thứ {position}"),
                    to_decimal(band[1], f"Số điểm của khung thứ {position}"),
                )
            )
        object.__setattr__(self, "bands", tuple(bands))
        if self.target is not None:
            object.__setattr__(self, "target", to_decimal(self.target, "Chỉ tiêu"))
        object.__setattr__(self, "deduction", to_decimal(self.deduction, "Số điểm trừ mỗi lỗi"))
        object.__setattr__(self, "floor", to_decimal(self.floor, "Mức điểm sàn"))
        if self.scale_max is not None:
            object.__setattr__(self, "scale_max", to_decimal(self.scale_max, "Thang điểm khảo sát"))


def rule_errors(rule: Rule, max_points: Decimal) -> list[str]:
    """Every inconsistency of ``rule`` for a criterion worth ``max_points``, in Vietnamese.

    An empty list means :func:`rule_score` can use the rule. Checked:

    * ``max_points`` is a number greater than 0;
    * BANDS: at least one band; each ``min_rate`` in ``[0, 1]``; each band's points in
      ``[0, max_points]``; no ``min_rate`` twice; the bands strictly ascending or
      strictly descending by ``min_rate`` (a mixed order is a typing slip);
    * LINEAR_TO_TARGET: ``target`` given, in ``(0, 1]``;
    * DEDUCTION: ``deduction`` greater than 0 (a rule that never deducts is a
      configuration slip: use BINARY or MANUAL), ``floor`` in ``[0, max_points]``;
    * SURVEY: ``scale_max`` given and greater than 0.

    When the maximum itself is wrong, band points and the floor are only checked to be
    non-negative, so one mistake gives one message.
    """
    errors: list[str] = []
    maximum: Decimal | None
    try:
        maximum = to_decimal(max_points, "Điểm tối đa")
    except ValueError as exc:
        errors.append(str(exc))
        maximum = None
    if maximum is not None and maximum <= 0:
        errors.append(f"Điểm tối đa phải lớn hơn 0 (nhận {fmt(maximum)}).")
        maximum = None

    if rule.kind is RuleKind.BANDS:
        errors.extend(_band_rule_errors(rule.bands, maximum))
    elif rule.kind is RuleKind.LINEAR_TO_TARGET:
        if rule.target is None:
            errors.append("Quy tắc tuyến tính theo chỉ tiêu cần có chỉ tiêu (tỷ lệ cần đạt).")
        elif not ZERO < rule.target <= ONE:
            errors.append(f"Chỉ tiêu phải lớn hơn 0 và không quá 1 (100 %) (nhận {fmt(rule.target)}).")
    elif rule.kind is RuleKind.DEDUCTION:
        if rule.deduction <= 0:
            errors.append(f"Số điểm trừ mỗi lỗi phải lớn hơn 0 (nhận {fmt(rule.deduction)}).")
        if maximum is None and rule.floor < 0:
            errors.append(f"Mức điểm sàn phải không âm (nhận {fmt(rule.floor)}).")
        elif maximum is not None and not ZERO <= rule.floor <= maximum:
            errors.append(f"Mức điểm sàn phải từ 0 đến {fmt(maximum)} (nhận {fmt(rule.floor)}).")
    elif rule.kind is RuleKind.SURVEY:
        if rule.scale_max is None:
            errors.append("Quy tắc theo khảo sát cần có điểm cao nhất của thang đánh giá.")
        elif rule.scale_max <= 0:
            errors.append(f"Điểm cao nhất của thang đánh giá phải lớn hơn 0 (nhận {fmt(rule.scale_max)}).")
    return errors


def _band_rule_errors(bands: tuple[tuple[Decimal, Decimal], ...], maximum: Decimal | None) -> list[str]:
    if not bands:
        return ["Quy tắc theo khung cần ít nhất một khung."]
    errors: list[str] = []
    for position, (min_rate, points) in enumerate(bands, start=1):
        if not ZERO <= min_rate <= ONE:
            errors.append(f"Khung thứ {position}: tỷ lệ tối thiểu {fmt(min_rate)} phải nằm trong khoảng từ 0 đến 1.")
        if maximum is None and points < 0:
            errors.append(f"Khung thứ {position}: số điểm {fmt(points)} phải không âm.")
        elif maximum is not None and not ZERO <= points <= maximum:
            errors.append(f"Khung thứ {position}: số điểm {fmt(points)} phải từ 0 đến {fmt(maximum)}.")
    rates = [min_rate for min_rate, _ in bands]
    duplicated = sorted({rate for rate in rates if rates.count(rate) > 1})
    errors.extend(f"Tỷ lệ tối thiểu {fmt(rate)} xuất hiện ở nhiều khung." for rate in duplicated)
    pairs = list(pairwise(rates))
    if not duplicated and not (all(a < b for a, b in pairs) or all(a > b for a, b in pairs)):
        errors.append("Các khung phải được sắp xếp theo tỷ lệ tối thiểu tăng dần (hoặc giảm dần).")
    return errors


def rule_score(rule: Rule, max_points: Decimal, value: Decimal | bool | int | None) -> Decimal | None:
    """The points ``rule`` gives ``value`` for a criterion worth ``max_points``; not rounded.

    ``None`` → ``None`` (not yet scored). Otherwise, by kind:

    * MANUAL: ``value`` is the points a person typed, accepted as is in ``[0, max]``.
    * BINARY: truthy → ``max``, falsy → 0 (a string is refused: ``"0"`` is truthy).
    * BANDS: ``value`` is a rate in ``[0, 1]``; the points of the band with the highest
      ``min_rate <= rate``, 0 below every band. A rate exactly on a threshold is in.
    * LINEAR: ``rate × max``.
    * LINEAR_TO_TARGET: ``min(rate / target, 1) × max``; reaching or beating the target
      gives ``max``. Target 0.9, max 2: rate 0.45 → 1, 0.9 → 2, 1 → 2.
    * DEDUCTION: ``value`` is the number of faults (a whole number ≥ 0):
      ``max(max − faults × deduction, floor)``. Max 2, 0.5 per fault, floor 0.5:
      1 fault → 1.5, 3 → 0.5, 10 → 0.5.
    * SURVEY: ``value`` is the mean rating: ``mean / scale_max × max``, clamped to
      ``[0, max]``. Scale 5, max 3: mean 4 → 2.4.

    The result is exact (see the module docstring); round it with :func:`round_points`
    when it is stored or shown. Raises ``ValueError`` (Vietnamese message) for an
    inconsistent rule (:func:`rule_errors`), manual points outside ``[0, max]``, a rate
    outside ``[0, 1]``, a negative or fractional fault count, or a value that is not a
    number.
    """
    errors = rule_errors(rule, max_points)
    if errors:
        raise ValueError("Quy tắc chấm điểm không hợp lệ: " + " ".join(errors))
    if value is None:
        return None
    maximum = to_decimal(max_points, "Điểm tối đa")
    kind = rule.kind
    if kind is RuleKind.BINARY:
        if isinstance(value, str):
            raise ValueError("Tiêu chí có/không cần giá trị đúng/sai, không phải chuỗi ký tự.")
        return maximum if value else ZERO
    if kind is RuleKind.MANUAL:
        points = to_decimal(value, "Điểm chấm")
        if not ZERO <= points <= maximum:
            raise ValueError(f"Điểm chấm {fmt(points)} phải từ 0 đến {fmt(maximum)}.")
        return points
    if kind is RuleKind.DEDUCTION:
        return _deduction_score(rule, maximum, value)
    if kind is RuleKind.SURVEY:
        mean = to_decimal(value, "Điểm trung bình khảo sát")
        assert rule.scale_max is not None  # noqa: S101 - guaranteed by rule_errors
        with localcontext(_CONTEXT):
            return min(max(mean * maximum / rule.scale_max, ZERO), maximum)

    rate = to_decimal(value, "Tỷ lệ")
    if not ZERO <= rate <= ONE:
        raise ValueError(f"Tỷ lệ {fmt(rate)} phải nằm trong khoảng từ 0 đến 1 (0 % đến 100 %).")
    with localcontext(_CONTEXT):
        if kind is RuleKind.LINEAR:
            return rate * maximum
        if kind is RuleKind.LINEAR_TO_TARGET:
            assert rule.target is not None  # noqa: S101 - guaranteed by rule_errors
            return maximum if rate >= rule.target else rate * maximum / rule.target
    # BANDS, the only kind left.
    reached = [(min_rate, points) for min_rate, points in rule.bands if min_rate <= rate]
    return max(reached)[1] if reached else ZERO


def _deduction_score(rule: Rule, maximum: Decimal, value: object) -> Decimal:
    faults = to_decimal(value, "Số lỗi")
    if faults < 0 or faults != faults.to_integral_value():
        raise ValueError(f"Số lỗi phải là số nguyên không âm (nhận {fmt(faults)}).")
    with localcontext(_CONTEXT):
        return max(maximum - faults * rule.deduction, rule.floor)


# -- one unit's index --------------------------------------------------------------


class NaPolicy(StrEnum):
    """What a "không phát sinh" (not applicable) criterion counts for."""

    FULL_POINTS = "full"  # tính đủ điểm tối đa
    REMOVE = "remove"  # loại khỏi cả điểm đạt và tổng điểm tối đa


@dataclass(frozen=True)
class CriterionScore:
    """One criterion of one unit: its maximum, the unit's self score and the appraised score.

    The appraised score (by the domain-owning department, possibly overriding the
    self score) is what counts: :attr:`final_points`. A criterion marked
    ``not_applicable`` counts per ``na_policy``: FULL_POINTS → the maximum, whatever
    was typed; REMOVE → neither points nor maximum (:attr:`removed`).

    On construction ``na_policy`` is read from its stored string and the numbers go
    through :func:`to_decimal`. Raises ``ValueError`` when ``max_points`` is not above
    0 or a score is outside ``[0, max_points]``.
    """

    code: str
    domain: str
    max_points: Decimal
    self_score: Decimal | None = None
    appraised_score: Decimal | None = None
    not_applicable: bool = False
    na_policy: NaPolicy = NaPolicy.REMOVE

    def __post_init__(self) -> None:
        try:
            policy = NaPolicy(self.na_policy)
        except ValueError:
            raise ValueError(
                f"Tiêu chí {self.code}: cách xử lý «không phát sinh» không hợp lệ: «{self.na_policy}»."
            ) from None
        object.__setattr__(self, "na_policy", policy)
        maximum = to_decimal(self.max_points, f"Tiêu chí {self.code}: điểm tối đa")
        if maximum <= 0:
            raise ValueError(f"Tiêu chí {self.code}: điểm tối đa phải lớn hơn 0 (nhận {fmt(maximum)}).")
        object.__setattr__(self, "max_points", maximum)
        for name, label in (("self_score", "điểm tự chấm"), ("appraised_score", "điểm thẩm định")):
            raw = getattr(self, name)
            if raw is None:
                continue
            score = to_decimal(raw, f"Tiêu chí {self.code}: {label}")
            if not ZERO <= score <= maximum:
                raise ValueError(
                    f"Tiêu chí {self.code}: {label} {fmt(score)} phải từ 0 đến {fmt(maximum)} (điểm tối đa)."
                )
            object.__setattr__(self, name, score)

    @property
    def removed(self) -> bool:
        """Whether the criterion is left out of both points and maximum (N/A, REMOVE)."""
        return self.not_applicable and self.na_policy is NaPolicy.REMOVE

    @property
    def full_points(self) -> bool:
        """Whether the criterion counts its maximum whatever was typed (N/A, FULL_POINTS)."""
        return self.not_applicable and self.na_policy is NaPolicy.FULL_POINTS

    @property
    def final_points(self) -> Decimal | None:
        """The points that count: the maximum for N/A with full points, else the appraised score.

        ``None`` when not yet appraised, and for a removed criterion (see :attr:`removed`).
        """
        if self.full_points:
            return self.max_points
        if self.removed:
            return None
        return self.appraised_score

    @property
    def self_points(self) -> Decimal:
        """The self score for the side-by-side view, N/A by the same policy; 0 when missing or removed."""
        if self.full_points:
            return self.max_points
        if self.removed or self.self_score is None:
            return ZERO
        return self.self_score


@dataclass(frozen=True)
class DomainResult:
    """One domain (lĩnh vực) of a unit's index.

    ``points`` is rounded to two decimals; ``maximum`` is the exact sum of the maxima of
    the criteria left after N/A removal (0 when all were removed); ``unscored`` counts
    the criteria still without an appraised score, which count 0 points.
    """

    domain: str
    points: Decimal
    maximum: Decimal
    unscored: int


@dataclass(frozen=True)
class IndexResult:
    """A unit's PAR index: ``(appraised points + survey points) / maximum × 100``.

    ``points`` and ``percent`` are rounded to two decimals, ``percent`` from the exact
    points (as a spreadsheet computes it); ``band`` is read from the rounded percent;
    ``self_points`` sums the self scores (criteria only, no survey).
    """

    points: Decimal
    maximum: Decimal
    percent: Decimal
    band: str
    domains: tuple[DomainResult, ...]
    survey_points: Decimal
    survey_maximum: Decimal
    self_points: Decimal

    @property
    def unscored(self) -> int:
        """Criteria still without an appraised score, over all domains."""
        return sum(domain.unscored for domain in self.domains)


DEFAULT_BANDS: tuple[tuple[Decimal, str], ...] = ((Decimal(90), "A"), (Decimal(80), "B"), (Decimal(0), "C"))


def band_errors(bands: Sequence[tuple[Decimal, str]]) -> list[str]:
    """Every problem of a band table, in Vietnamese; an empty list means it is usable.

    A table lists ``(threshold percent, label)`` from the highest threshold down:
    at least one band, thresholds in ``[0, 100]`` strictly descending, the last one 0
    (so every result gets a band), labels non-empty and distinct.
    """
    if not bands:
        return ["Bảng xếp loại cần ít nhất một mức."]
    errors: list[str] = []
    thresholds: list[Decimal] = []
    for position, (threshold, label) in enumerate(bands, start=1):
        try:
            value = to_decimal(threshold, f"Ngưỡng của mức thứ {position}")
        except ValueError as exc:
            errors.append(str(exc))
            continue
        thresholds.append(value)
        if not ZERO <= value <= HUNDRED:
            errors.append(f"Ngưỡng của mức thứ {position} ({fmt(value)} %) phải từ 0 đến 100.")
        if not str(label).strip():
            errors.append(f"Mức thứ {position} chưa có tên xếp loại.")
    if any(a <= b for a, b in pairwise(thresholds)):
        errors.append("Các ngưỡng xếp loại phải giảm dần và không trùng nhau.")
    if thresholds and thresholds[-1] != 0:
        errors.append("Mức thấp nhất phải có ngưỡng 0 % để mọi kết quả đều được xếp loại.")
    labels = [str(label).strip() for _, label in bands]
    errors.extend(
        f"Tên xếp loại «{label}» xuất hiện nhiều lần." for label in sorted({x for x in labels if labels.count(x) > 1})
    )
    return errors


def band_for(percent: Decimal, bands: Sequence[tuple[Decimal, str]] = DEFAULT_BANDS) -> str:
    """The label of the first band whose threshold is ``<= percent`` (thresholds descending).

    Pass the published (rounded) percent: 89.995 % is published as 90.00 % and is an A.
    With the default bands: 90 → "A", 89.99 → "B", 80 → "B", 79.99 → "C", 0 → "C".
    Raises ``ValueError`` for a percent outside ``[0, 100]`` or a band table with
    problems (:func:`band_errors`).
    """
    value = to_decimal(percent, "Tỷ lệ phần trăm")
    if not ZERO <= value <= HUNDRED:
        raise ValueError(f"Tỷ lệ phần trăm {fmt(value)} phải từ 0 đến 100.")
    errors = band_errors(bands)
    if errors:
        raise ValueError("Bảng xếp loại không hợp lệ: " + " ".join(errors))
    for threshold, label in bands:
        if to_decimal(threshold, "Ngưỡng") <= value:
            return label
    raise AssertionError("unreachable: the last threshold is 0")  # pragma: no cover


def index_result(
    criteria: Iterable[CriterionScore],
    *,
    survey_points: Decimal = ZERO,
    survey_maximum: Decimal = ZERO,
    bands: Sequence[tuple[Decimal, str]] = DEFAULT_BANDS,
) -> IndexResult:
    """A unit's index from its criteria and its sociological survey points.

    * maximum = Σ max of the criteria not removed as N/A + ``survey_maximum``;
    * points = Σ final points (appraised; maximum for N/A with full points; 0 while
      unscored) + ``survey_points``, rounded once at the end;
    * percent = exact points / maximum × 100, rounded; 0 when the maximum is 0
      (no criteria, or all removed, and no survey), banded by :func:`band_for`.

    Domains come in the order they first appear in ``criteria``; a domain whose
    criteria were all removed as N/A is still listed, with maximum 0. Each domain's
    points are rounded on their own, so when scores carry more than two decimals the
    domains can differ from the total by a cent (stored scores have two).

    Example: criteria 1.1 (max 2, appraised 1.5), 1.2 (max 1, N/A removed),
    2.1 (max 3, unscored), survey 8 / 10 → points 9.50, maximum 15, 63.33 %, "C".

    Raises ``ValueError`` for survey points outside ``[0, survey_maximum]``, a
    negative survey maximum, a criterion code given twice, or unusable bands.
    """
    survey_pts = to_decimal(survey_points, "Điểm khảo sát")
    survey_max = to_decimal(survey_maximum, "Điểm tối đa của khảo sát")
    if survey_max < 0:
        raise ValueError(f"Điểm tối đa của khảo sát phải không âm (nhận {fmt(survey_max)}).")
    if not ZERO <= survey_pts <= survey_max:
        raise ValueError(f"Điểm khảo sát {fmt(survey_pts)} phải từ 0 đến {fmt(survey_max)}.")

    points: dict[str, Decimal] = {}
    maxima: dict[str, Decimal] = {}
    unscored: dict[str, int] = {}
    seen: set[str] = set()
    self_total = ZERO
    with localcontext(_CONTEXT):
        for criterion in criteria:
            if criterion.code in seen:
                raise ValueError(f"Tiêu chí {criterion.code} xuất hiện nhiều lần trong bảng điểm.")
            seen.add(criterion.code)
            domain = criterion.domain
            points.setdefault(domain, ZERO)
            maxima.setdefault(domain, ZERO)
            unscored.setdefault(domain, 0)
            self_total += criterion.self_points
            if criterion.removed:
                continue
            maxima[domain] += criterion.max_points
            final = criterion.final_points
            if final is None:
                unscored[domain] += 1
            else:
                points[domain] += final
        total_points = sum(points.values(), ZERO) + survey_pts
        total_maximum = sum(maxima.values(), ZERO) + survey_max
    percent = round_points(percent_of(total_points, total_maximum))
    return IndexResult(
        points=round_points(total_points),
        maximum=total_maximum,
        percent=percent,
        band=band_for(percent, bands),
        domains=tuple(
            DomainResult(domain=d, points=round_points(points[d]), maximum=maxima[d], unscored=unscored[d])
            for d in points
        ),
        survey_points=survey_pts,
        survey_maximum=survey_max,
        self_points=round_points(self_total),
    )


# -- comparing units ---------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """One unit's place: ``value`` is the published (rounded) value, ``rank`` starts at 1."""

    key: str
    value: Decimal
    rank: int


def rank(values: Mapping[str, Decimal]) -> list[Ranked]:
    """``values`` ranked from the highest, competition style (1, 2, 2, 4).

    Values are compared after rounding to two decimals, as published: 85.004 and
    85.001 are both 85.00 and share a rank. Within a tie the keys come in ascending
    order. ``{"a": 90, "b": 85.004, "c": 85.001, "d": 70}`` → a 1, b 2, c 2, d 4.
    Raises ``ValueError`` for a value that is not a finite number.
    """
    rounded = [(round_points(to_decimal(v, f"Giá trị của {key}")), key) for key, v in values.items()]
    rounded.sort(key=lambda item: (-item[0], item[1]))
    result: list[Ranked] = []
    for position, (value, key) in enumerate(rounded, start=1):
        place = result[-1].rank if result and result[-1].value == value else position
        result.append(Ranked(key=key, value=value, rank=place))
    return result


def year_over_year(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The change against last year, in points of the published figures; ``None`` if either is missing.

    Both values are rounded first, so the change is what a reader computes from the two
    published numbers: 85.004 (85.00) after 84.996 (85.00) is 0.00, not 0.01.
    """
    if current is None or previous is None:
        return None
    return round_points(round_points(current) - round_points(previous))


@dataclass(frozen=True)
class SensitivityRow:
    """The ranking with one domain weighted by ``factor``; ``moved`` = new rank − base rank (negative is better)."""

    domain: str
    factor: Decimal
    ranks: dict[str, int]
    moved: dict[str, int]


def _natural_key(text: str) -> tuple[tuple[object, ...], str]:
    # Digit runs compare as numbers ("2" before "10"); split keeps strings at even
    # positions and numbers at odd ones, so two keys always compare like with like.
    parts = re.split(r"(\d+)", text)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text


def sensitivity(
    domain_points: Mapping[str, Mapping[str, Decimal]],
    domain_maxima: Mapping[str, Mapping[str, Decimal]],
    *,
    survey: Mapping[str, tuple[Decimal, Decimal]] | None = None,
    step: Decimal = Decimal("0.10"),
) -> list[SensitivityRow]:
    """How the ranking moves when one domain weighs ``1 − step`` or ``1 + step`` times as much.

    ``domain_points[unit][domain]`` and ``domain_maxima[unit][domain]`` give each unit's
    points and maximum per domain (a domain missing for a unit counts 0 / 0);
    ``survey[unit] = (points, maximum)``. For each domain (natural order: "2" before
    "10") and each factor, that domain's points and maximum are multiplied by the
    factor in every unit, each unit's percent
    ``(Σ points + survey points) / (Σ maxima + survey maximum) × 100`` is recomputed and
    ranked with :func:`rank`; ``moved`` compares with the ranking at factor 1. Two rows
    per domain, factor ``1 − step`` first. ``ranks`` and ``moved`` list units in their
    new ranking order.

    Raises ``ValueError`` when ``step`` is not in ``(0, 1)``, when the two mappings do
    not name the same units and domains, or for a survey entry of an unknown unit.
    """
    step = to_decimal(step, "Bước thay đổi trọng số")
    if not ZERO < step < ONE:
        raise ValueError(f"Bước thay đổi trọng số phải lớn hơn 0 và nhỏ hơn 1 (nhận {fmt(step)}).")
    if set(domain_points) != set(domain_maxima):
        units = ", ".join(sorted(set(domain_points) ^ set(domain_maxima)))
        raise ValueError(f"Điểm và điểm tối đa phải có cùng các đơn vị (lệch: {units}).")
    for unit, unit_points in domain_points.items():
        if set(unit_points) != set(domain_maxima[unit]):
            missing = ", ".join(sorted(set(unit_points) ^ set(domain_maxima[unit])))
            raise ValueError(f"Đơn vị {unit}: điểm và điểm tối đa phải có cùng các lĩnh vực (lệch: {missing}).")
    surveys = dict(survey or {})
    unknown = set(surveys) - set(domain_points)
    if unknown:
        raise ValueError(f"Điểm khảo sát của đơn vị không có trong bảng điểm: {', '.join(sorted(unknown))}.")

    def percents(domain: str | None, factor: Decimal) -> dict[str, Decimal]:
        result = {}
        with localcontext(_CONTEXT):
            for unit, unit_points in domain_points.items():
                survey_pts, survey_max = surveys.get(unit, (ZERO, ZERO))
                pts = to_decimal(survey_pts, f"Điểm khảo sát của {unit}")
                mx = to_decimal(survey_max, f"Điểm tối đa khảo sát của {unit}")
                if not ZERO <= pts <= mx:
                    raise ValueError(f"Đơn vị {unit}: điểm khảo sát {fmt(pts)} phải từ 0 đến {fmt(mx)}.")
                for d, value in unit_points.items():
                    weight = factor if d == domain else ONE
                    pts += to_decimal(value, f"Điểm lĩnh vực {d} của {unit}") * weight
                    mx += to_decimal(domain_maxima[unit][d], f"Điểm tối đa lĩnh vực {d} của {unit}") * weight
                result[unit] = percent_of(pts, mx)
        return result

    base = {r.key: r.rank for r in rank(percents(None, ONE))}
    domains = sorted({d for unit_points in domain_points.values() for d in unit_points}, key=_natural_key)
    rows = []
    for domain in domains:
        for factor in (ONE - step, ONE + step):
            ranked = rank(percents(domain, factor))
            rows.append(
                SensitivityRow(
                    domain=domain,
                    factor=factor,
                    ranks={r.key: r.rank for r in ranked},
                    moved={r.key: r.rank - base[r.key] for r in ranked},
                )
            )
    return rows
