"""Entering a manual value: who may, what is checked, what the audit log keeps."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.indicators.models import Indicator, IndicatorSet, IndicatorValue
from cchc.indicators.policies import indicator_value_policy
from cchc.indicators.services import indicator_value_set
from cchc.indicators.tests.factories import SET_CODE
from cchc.organizations.tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def publicity() -> Indicator:
    return Indicator.objects.get(indicator_set__code=SET_CODE, code="cong-khai")


def _set(**kwargs: Any) -> IndicatorValue:
    values = {"year": 2024, "month": 6, "value": Decimal("0.9"), "note": ""}
    return indicator_value_set(**{**values, **kwargs})


@pytest.mark.parametrize(
    ("role", "grant_on", "allowed"),
    [
        (Role.REFORM_OFFICE, "province", True),  # own province covers every unit
        (Role.SYSTEM_ADMIN, "dept_b", True),  # global
        (Role.REFORM_OFFICE, "dept_a", False),  # not on the province
        (Role.FOCAL_POINT, "province", False),
        (Role.LEADER, "dept_a", False),
        (Role.APPRAISER, "province", False),
        (Role.VIEWER, "province", False),
    ],
)
def test_only_the_province_reform_office_or_an_administrator_enters_values(
    tree: Any, publicity: Indicator, role: str, grant_on: str, allowed: bool
) -> None:
    user = make_user(role=role, unit=getattr(tree, grant_on))

    for unit in (tree.dept_a, tree.dept_a_child, tree.commune):
        assert indicator_value_policy.can_enter_for(user, unit) is allowed
        if allowed:
            _set(indicator=publicity, unit=unit, actor=user)
        else:
            with pytest.raises(PermissionDeniedError) as caught:
                _set(indicator=publicity, unit=unit, actor=user)
            assert caught.value.code == "indicators.forbidden"
    assert IndicatorValue.objects.count() == (3 if allowed else 0)


def test_a_reform_office_does_not_reach_another_province(tree: Any, publicity: Indicator) -> None:
    other_province = make_unit(code="Q", kind="province", name="Tỉnh khác")
    user = make_user(role=Role.REFORM_OFFICE, unit=tree.province)

    assert not indicator_value_policy.can_enter_for(user, other_province)
    assert not indicator_value_policy.units_for_entry(user).filter(code="Q").exists()
    with pytest.raises(PermissionDeniedError):
        _set(indicator=publicity, unit=other_province, actor=user)


def test_entry_is_audited_and_an_unchanged_entry_writes_nothing(tree: Any, publicity: Indicator) -> None:
    user = make_user(role=Role.REFORM_OFFICE, unit=tree.province)

    value = _set(indicator=publicity, unit=tree.dept_a, value=Decimal("0.9"), note="Cổng DVC", actor=user)
    assert value.value == Decimal("0.9000")
    assert value.entered_by == user
    created = AuditEvent.objects.get(action="indicator_value.created")
    assert created.actor == user
    assert created.unit == tree.dept_a
    assert created.changes == {"value": [None, "0.9000"], "note": [None, "Cổng DVC"]}
    assert created.object_repr == "cong-khai – SA – 06/2024"

    _set(indicator=publicity, unit=tree.dept_a, value=Decimal("0.90"), note=" Cổng DVC ", actor=user)
    assert AuditEvent.objects.filter(action__startswith="indicator_value.").count() == 1

    _set(indicator=publicity, unit=tree.dept_a, value="0.95", note="Cổng DVC", actor=user)
    updated = AuditEvent.objects.get(action="indicator_value.updated")
    assert updated.changes == {"value": ["0.9000", "0.9500"]}
    assert IndicatorValue.objects.get().value == Decimal("0.9500")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("1.01"), "từ 0 đến 1"),
        (Decimal("-0.1"), "từ 0 đến 1"),
        (Decimal("0.12345"), "tối đa 4 chữ số thập phân"),
        ("chín mươi", "phải là một số"),
        (True, "phải là một số"),
        (0.9, "phải là một số"),  # a float is refused: 0.9 is not exactly 0.9
        (Decimal("NaN"), "từ 0 đến 1"),
    ],
)
def test_value_must_be_a_rate(tree: Any, publicity: Indicator, value: Any, message: str) -> None:
    with pytest.raises(ApplicationError, match=message) as caught:
        _set(indicator=publicity, unit=tree.dept_a, value=value, actor=None)
    assert caught.value.code == "indicators.invalid_value"
    assert not IndicatorValue.objects.exists()


def test_value_bounds_are_accepted(tree: Any, publicity: Indicator) -> None:
    assert _set(indicator=publicity, unit=tree.dept_a, value=0, actor=None).value == 0
    assert _set(indicator=publicity, unit=tree.dept_b, value=1, actor=None).value == 1


def test_computed_indicators_are_not_entered(tree: Any) -> None:
    progress = Indicator.objects.get(indicator_set__code=SET_CODE, code="tien-do")

    with pytest.raises(ApplicationError) as caught:
        _set(indicator=progress, unit=tree.dept_a, actor=None)
    assert caught.value.code == "indicators.not_manual"


@pytest.mark.parametrize(
    ("year", "month", "code"),
    [
        (2024, 13, "indicators.invalid_period"),
        (2024, 0, "indicators.invalid_period"),
        (1999, 5, "indicators.invalid_period"),
        (2022, 5, "indicators.set_not_in_force"),  # before Decision 766
    ],
)
def test_period_is_checked(tree: Any, publicity: Indicator, year: int, month: int, code: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        _set(indicator=publicity, unit=tree.dept_a, year=year, month=month, actor=None)
    assert caught.value.code == code


def test_future_months_are_refused(tree: Any, publicity: Indicator) -> None:
    today = timezone.localdate()
    following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)

    with pytest.raises(ApplicationError, match="chưa bắt đầu") as caught:
        _set(indicator=publicity, unit=tree.dept_a, year=following.year, month=following.month, actor=None)
    assert caught.value.code == "indicators.future_period"


def test_value_belongs_to_the_set_in_force(tree: Any, publicity: Indicator) -> None:
    IndicatorSet.objects.filter(code=SET_CODE).update(effective_to=dt.date(2024, 6, 30))
    IndicatorSet.objects.create(code="tinh", name="Tỉnh", legal_basis="-", effective_from=dt.date(2024, 7, 1))
    publicity.refresh_from_db()

    _set(indicator=publicity, unit=tree.dept_a, month=6, actor=None)
    with pytest.raises(ApplicationError, match="không phải bộ chỉ số áp dụng cho tháng 7/2024") as caught:
        _set(indicator=publicity, unit=tree.dept_a, month=7, actor=None)
    assert caught.value.code == "indicators.set_not_in_force"


def test_unit_must_exist_that_month(tree: Any, publicity: Indicator) -> None:
    later = make_unit(code="MOI", parent=tree.province, valid_from=dt.date(2024, 7, 1))

    with pytest.raises(ApplicationError, match="không tồn tại trong tháng 6/2024") as caught:
        _set(indicator=publicity, unit=later, actor=None)
    assert caught.value.code == "indicators.unit_not_valid"


def test_note_length_is_limited(tree: Any, publicity: Indicator) -> None:
    with pytest.raises(ApplicationError, match="Ghi chú dài quá 500 ký tự"):
        _set(indicator=publicity, unit=tree.dept_a, note="x" * 501, actor=None)
