"""The unit endpoints: scope, filters, pagination, the tree, and IDOR."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.services import membership_grant
from cchc.accounts.tests.factories import make_user
from cchc.organizations.choices import UnitKind
from cchc.organizations.services import cohort_upsert, unit_set_cohorts, unit_set_successors
from cchc.organizations.tests.factories import make_unit

PROBLEM = "application/problem+json"


def _codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


# -- detail and IDOR ---------------------------------------------------------------


def test_detail_of_a_unit_in_scope(as_focal_a: Client, tree: Any) -> None:
    unit_set_successors(actor=None, unit=tree.dept_a_child, successors=[tree.dept_b])

    response = as_focal_a.get("/api/v1/units/SA-1")

    assert response.status_code == 200
    assert response.json() == {
        "code": "SA-1",
        "name": "Chi cục thuộc Sở A",
        "short_name": "ĐV SA-1",
        "kind": "agency",
        "kind_label": "Cơ quan, đơn vị khác",
        "parent_code": "SA",
        "statistical_code": "",
        "valid_from": "2020-01-01",
        "valid_to": None,
        "cohorts": [],
        "successor_codes": ["SB"],
        "predecessor_codes": [],
    }


@pytest.mark.parametrize("code", ["SB", "P", "X1"])
def test_detail_of_a_unit_outside_scope_is_404_problem(as_focal_a: Client, code: str) -> None:
    response = as_focal_a.get(f"/api/v1/units/{code}")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "urn:cchc:problem:not_found",
        "title": "Không tìm thấy",
        "status": 404,
        "detail": "Không tìm thấy đối tượng yêu cầu.",
        "instance": f"/api/v1/units/{code}",
        "code": "not_found",
    }


def test_out_of_scope_and_nonexistent_answer_alike(as_focal_a: Client) -> None:
    sibling = as_focal_a.get("/api/v1/units/SB")
    missing = as_focal_a.get("/api/v1/units/KHONG-CO")

    assert (sibling.status_code, sibling["Content-Type"]) == (missing.status_code, missing["Content-Type"])
    strip = {"instance"}
    assert {k: v for k, v in sibling.json().items() if k not in strip} == {
        k: v for k, v in missing.json().items() if k not in strip
    }


# -- list: scope, filters, pagination ------------------------------------------------


def test_list_is_limited_to_scope(as_focal_a: Client) -> None:
    response = as_focal_a.get("/api/v1/units")

    assert _codes(response) == ["SA", "SA-1"]
    assert response.json()["count"] == 2


def test_list_filters(as_reform: Client, tree: Any) -> None:
    cohort = cohort_upsert(actor=None, code="HUYEN", name="UBND cấp huyện")
    unit_set_cohorts(actor=None, unit=tree.district, cohorts=[cohort])
    make_unit(code="SA-OLD", parent=tree.dept_a, name="Chi cục đã giải thể", valid_to=dt.date(2022, 12, 31))

    assert sorted(_codes(as_reform.get("/api/v1/units"))) == ["H1", "P", "SA", "SA-1", "SA-OLD", "SB", "X1"]
    assert _codes(as_reform.get("/api/v1/units", {"kind": "commune"})) == ["X1"]
    assert _codes(as_reform.get("/api/v1/units", {"cohort": "HUYEN"})) == ["H1"]
    assert sorted(_codes(as_reform.get("/api/v1/units", {"parent": "P"}))) == ["H1", "SA", "SB"]
    assert "SA-OLD" not in _codes(as_reform.get("/api/v1/units", {"on": "2023-01-01"}))
    assert "SA-OLD" in _codes(as_reform.get("/api/v1/units", {"on": "2022-12-31"}))
    assert _codes(as_reform.get("/api/v1/units", {"q": "giải thể"})) == ["SA-OLD"]
    assert _codes(as_reform.get("/api/v1/units", {"kind": "department", "parent": "P", "q": "Sở B"})) == ["SB"]


def test_filters_never_widen_the_scope(as_focal_a: Client) -> None:
    assert _codes(as_focal_a.get("/api/v1/units", {"parent": "P"})) == ["SA"]
    assert _codes(as_focal_a.get("/api/v1/units", {"kind": "commune"})) == []
    assert _codes(as_focal_a.get("/api/v1/units", {"q": "Sở B"})) == []


def test_unknown_kind_is_a_422_problem_naming_the_field(as_reform: Client) -> None:
    response = as_reform.get("/api/v1/units", {"kind": "ministry"})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_error"
    assert [e["field"] for e in body["errors"]] == ["query.kind"]
    assert body["errors"][0]["message"].startswith("phải là một trong các giá trị 'province'")


def test_a_malformed_date_is_a_422_problem(as_reform: Client) -> None:
    response = as_reform.get("/api/v1/units", {"on": "31/12/2022"})

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "query.on", "message": "phải là ngày dạng YYYY-MM-DD"}]


def test_pagination(as_reform: Client, tree: Any) -> None:
    for i in range(5):
        make_unit(code=f"SB-{i}", parent=tree.dept_b, kind=UnitKind.AGENCY)
    # 6 tree units + 5 = 11 in scope.

    first = as_reform.get("/api/v1/units", {"page_size": 4})
    third = as_reform.get("/api/v1/units", {"page_size": 4, "page": 3})
    beyond = as_reform.get("/api/v1/units", {"page_size": 4, "page": 4})
    everything = as_reform.get("/api/v1/units", {"page_size": 500})

    assert {k: first.json()[k] for k in ("count", "page", "page_size")} == {"count": 11, "page": 1, "page_size": 4}
    assert len(first.json()["items"]) == 4
    assert len(third.json()["items"]) == 3
    assert beyond.json()["items"] == []
    assert beyond.json()["count"] == 11
    paged = _codes(first) + _codes(as_reform.get("/api/v1/units", {"page_size": 4, "page": 2})) + _codes(third)
    assert paged == _codes(everything)
    assert len(set(paged)) == 11


def test_default_page_size_is_50(as_reform: Client) -> None:
    body = as_reform.get("/api/v1/units").json()

    assert (body["page"], body["page_size"]) == (1, 50)


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page_size": 501}, "query.page_size", "phải nhỏ hơn hoặc bằng 500"),
        ({"page_size": 0}, "query.page_size", "phải lớn hơn hoặc bằng 1"),
        ({"page": 0}, "query.page", "phải lớn hơn hoặc bằng 1"),
        ({"page": "hai"}, "query.page", "phải là số nguyên"),
    ],
)
def test_bad_pagination_is_a_422_problem(as_reform: Client, params: dict[str, Any], field: str, message: str) -> None:
    response = as_reform.get("/api/v1/units", params)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert (body["status"], body["title"], body["instance"]) == (422, "Dữ liệu không hợp lệ", "/api/v1/units")
    assert body["errors"] == [{"field": field, "message": message}]
    assert body["detail"] == f"{field}: {message}"


# -- tree ----------------------------------------------------------------------------


def test_tree_returns_only_the_scope(as_focal_a: Client) -> None:
    response = as_focal_a.get("/api/v1/units/tree")

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "SA",
            "name": "Sở A",
            "short_name": "ĐV SA",
            "kind": "department",
            "children": [
                {
                    "code": "SA-1",
                    "name": "Chi cục thuộc Sở A",
                    "short_name": "ĐV SA-1",
                    "kind": "agency",
                    "children": [],
                }
            ],
        }
    ]


def test_tree_of_the_province(as_reform: Client) -> None:
    def shape(nodes: list[dict[str, Any]]) -> list[Any]:
        return [(n["code"], shape(n["children"])) for n in nodes]

    response = as_reform.get("/api/v1/units/tree")

    assert shape(response.json()) == [("P", [("H1", [("X1", [])]), ("SA", [("SA-1", [])]), ("SB", [])])]


def test_tree_on_a_date(as_focal_a: Client, tree: Any) -> None:
    make_unit(code="SA-NEW", parent=tree.dept_a, valid_from=dt.date(2025, 7, 1))

    before = as_focal_a.get("/api/v1/units/tree", {"on": "2025-06-30"}).json()
    after = as_focal_a.get("/api/v1/units/tree", {"on": "2025-07-01"}).json()

    assert [c["code"] for c in before[0]["children"]] == ["SA-1"]
    assert [c["code"] for c in after[0]["children"]] == ["SA-1", "SA-NEW"]


def test_user_without_roles_sees_an_empty_list_and_tree(client: Client, tree: Any) -> None:
    client.force_login(make_user())

    assert _codes(client.get("/api/v1/units")) == []
    assert client.get("/api/v1/units/tree").json() == []
    assert client.get("/api/v1/units/P").status_code == 404


def test_superuser_sees_every_unit(client: Client, tree: Any) -> None:
    admin = make_user()
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    assert client.get("/api/v1/units").json()["count"] == 6


def test_role_on_expired_membership_is_not_scope(client: Client, tree: Any) -> None:
    user = make_user()
    membership_grant(actor=None, user=user, unit=tree.province, role=Role.VIEWER, valid_to=dt.date(2020, 12, 31))
    client.force_login(user)

    assert _codes(client.get("/api/v1/units")) == []
