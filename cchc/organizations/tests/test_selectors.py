"""Unit selectors: scope, tree shape, and the fixed number of queries they cost."""

import datetime as dt
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.services import membership_grant
from cchc.accounts.tests.factories import make_user
from cchc.organizations.choices import UnitKind
from cchc.organizations.models import OrgUnit
from cchc.organizations.schemas import OrgUnitOut
from cchc.organizations.selectors import unit_get_for_user, unit_list_for_user, unit_tree_for_user
from cchc.organizations.services import cohort_upsert, unit_set_cohorts, unit_set_successors
from cchc.organizations.tests.factories import make_unit


def _grow(tree: Any, extra: int) -> None:
    """``extra`` more units under dept_a, each in a cohort and with a successor,
    so that every prefetched relation has rows to load."""
    cohort = cohort_upsert(actor=None, code="SBN", name="Sở, ban, ngành")
    for i in range(extra):
        unit = make_unit(code=f"SA-X{i:02d}", parent=tree.dept_a, kind=UnitKind.AGENCY)
        unit_set_cohorts(actor=None, unit=unit, cohorts=[cohort])
        unit_set_successors(actor=None, unit=unit, successors=[tree.dept_a_child])


def _fresh(user: User) -> User:
    # user_grants caches on the user object; a fresh object pays its query again,
    # as every request does.
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("extra", [1, 25])
def test_serialising_a_unit_list_costs_five_queries_whatever_its_length(
    tree: Any, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    _grow(tree, extra)
    user = _fresh(make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a))

    # Five queries: the grants, the units with their parents, and one each for
    # cohorts, successors and predecessors.
    with django_assert_num_queries(5):
        rows = [OrgUnitOut.from_orm(unit).model_dump() for unit in unit_list_for_user(user=user)]

    assert len(rows) == 2 + extra  # SA, SA-1 and the extra units
    grown = next(row for row in rows if row["code"] == "SA-X00")
    assert grown["cohorts"] == ["SBN"]
    assert grown["successor_codes"] == ["SA-1"]
    assert grown["parent_code"] == "SA"
    child = next(row for row in rows if row["code"] == "SA-1")
    assert len(child["predecessor_codes"]) == extra


@pytest.mark.parametrize("extra", [1, 25])
def test_a_page_of_units_through_the_api_costs_eight_queries_whatever_its_size(
    tree: Any, client: Client, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    _grow(tree, extra)
    client.force_login(make_user(role=Role.REFORM_OFFICE, unit=tree.dept_a))

    # Eight queries: the session and the user, then the grants, the count, the
    # units with their parents, and one each for cohorts, successors, predecessors.
    with django_assert_num_queries(8):
        response = client.get("/api/v1/units", {"page_size": 500})

    assert response.status_code == 200
    assert response.json()["count"] == 2 + extra
    assert len(response.json()["items"]) == 2 + extra


@pytest.mark.parametrize("extra", [1, 25])
def test_the_tree_costs_two_queries_whatever_its_size(
    tree: Any, django_assert_num_queries: DjangoAssertNumQueries, extra: int
) -> None:
    _grow(tree, extra)
    user = _fresh(make_user(role=Role.REFORM_OFFICE, unit=tree.province))

    with django_assert_num_queries(2):  # grants, units
        roots = unit_tree_for_user(user=user)

    assert [node.unit.code for node in roots] == ["P"]
    dept_a = next(node for node in roots[0].children if node.unit.code == "SA")
    assert len(dept_a.children) == 1 + extra


def test_tree_roots_are_the_visible_units_whose_parent_is_out_of_scope(tree: Any) -> None:
    user = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)
    membership_grant(actor=None, user=user, unit=tree.commune, role=Role.VIEWER)

    roots = unit_tree_for_user(user=_fresh(user))

    assert [(node.unit.code, [c.unit.code for c in node.children]) for node in roots] == [
        ("SA", ["SA-1"]),
        ("X1", []),
    ]


def test_tree_orders_children_by_sort_order_then_code(tree: Any) -> None:
    make_unit(code="SA-9", parent=tree.dept_a, sort_order=0)
    make_unit(code="SA-0", parent=tree.dept_a, sort_order=5)
    user = make_user(role=Role.VIEWER, unit=tree.dept_a)

    (root,) = unit_tree_for_user(user=user)

    # SA-1 and SA-9 share sort_order 0 and sort by code; SA-0 comes last (5).
    assert [node.unit.code for node in root.children] == ["SA-1", "SA-9", "SA-0"]


def test_tree_on_a_date_leaves_out_units_not_valid_then(tree: Any) -> None:
    make_unit(code="SA-OLD", parent=tree.dept_a, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2023, 6, 30))
    user = make_user(role=Role.VIEWER, unit=tree.dept_a)

    then = unit_tree_for_user(user=_fresh(user), on=dt.date(2023, 6, 30))
    later = unit_tree_for_user(user=_fresh(user), on=dt.date(2023, 7, 1))

    assert sorted(node.unit.code for node in then[0].children) == ["SA-1", "SA-OLD"]
    assert [node.unit.code for node in later[0].children] == ["SA-1"]


def test_unit_list_filters(tree: Any) -> None:
    cohort = cohort_upsert(actor=None, code="HUYEN", name="UBND cấp huyện")
    unit_set_cohorts(actor=None, unit=tree.district, cohorts=[cohort])
    make_unit(code="SA-OLD", parent=tree.dept_a, name="Chi cục đã giải thể", valid_to=dt.date(2022, 12, 31))
    user = make_user(role=Role.REFORM_OFFICE, unit=tree.province)

    def codes(**filters: Any) -> list[str]:
        return [u.code for u in unit_list_for_user(user=_fresh(user), **filters)]

    assert sorted(codes()) == ["H1", "P", "SA", "SA-1", "SA-OLD", "SB", "X1"]
    assert codes(kind="district") == ["H1"]
    assert codes(cohort="HUYEN") == ["H1"]
    assert sorted(codes(parent="SA")) == ["SA-1", "SA-OLD"]
    assert "SA-OLD" not in codes(on=dt.date(2023, 1, 1))
    assert "SA-OLD" in codes(on=dt.date(2022, 12, 31))
    assert codes(q="giải thể") == ["SA-OLD"]
    assert codes(q="sa-1") == ["SA-1"]  # case-insensitive on the code


def test_unit_get_for_user_is_404_for_a_sibling_and_for_an_unknown_code(tree: Any) -> None:
    user = make_user(role=Role.FOCAL_POINT, unit=tree.dept_a)

    assert unit_get_for_user(user=user, code="SA-1") == OrgUnit.objects.get(code="SA-1")
    with pytest.raises(Http404):
        unit_get_for_user(user=user, code="SB")
    with pytest.raises(Http404):
        unit_get_for_user(user=user, code="KHONG-CO")
