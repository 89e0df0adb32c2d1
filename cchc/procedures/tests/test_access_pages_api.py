"""Who may read and change the catalogue; the pages and the API."""

from typing import Any

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.core.errors import PermissionDeniedError
from cchc.procedures.models import Procedure
from cchc.procedures.policies import procedure_policy
from cchc.procedures.services import procedure_update
from cchc.procedures.tests.factories import make_procedure


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "unit_name", "can_change"),
    [
        (Role.REFORM_OFFICE, "province", True),
        (Role.SYSTEM_ADMIN, "dept_b", True),
        (Role.REFORM_OFFICE, "dept_a", False),
        (Role.FOCAL_POINT, "province", False),
        (Role.LEADER, "district", False),
        (Role.VIEWER, "commune", False),
    ],
)
def test_every_signed_in_user_views_and_only_the_province_reform_office_or_admin_changes(
    tree: Any, role: str, unit_name: str, can_change: bool
) -> None:
    procedure = make_procedure()
    user = make_user(role=role, unit=getattr(tree, unit_name))

    assert procedure_policy.user_can(user, "view", procedure)
    assert procedure_policy.user_can(user, "change", procedure) is can_change
    if not can_change:
        with pytest.raises(PermissionDeniedError):
            procedure_update(actor=user, procedure=procedure, values={"name": "Đổi tên"})
        procedure.refresh_from_db()
        assert procedure.name != "Đổi tên"


@pytest.mark.django_db
def test_anonymous_sees_nothing() -> None:
    make_procedure()
    from django.contrib.auth.models import AnonymousUser

    assert not procedure_policy.scope(AnonymousUser(), "view").exists()


@pytest.mark.django_db
def test_pages_redirect_anonymous_to_login(client: Client) -> None:
    response = client.get("/thu-tuc/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.fixture
def as_focal(client: Client, focal: Any) -> Client:
    client.force_login(focal)
    return client


@pytest.mark.django_db
def test_list_page_filters_and_searches(as_focal: Client, tree: Any) -> None:
    make_procedure(code="A.1", name="Đăng ký khai sinh", field="Hộ tịch", level="commune", units=[tree.commune])
    make_procedure(
        code="B.1", name="Cấp giấy phép xây dựng nhà ở riêng lẻ", field="Hoạt động xây dựng", level="district"
    )

    page = as_focal.get("/thu-tuc/").content.decode()
    assert "Đăng ký khai sinh" in page
    assert "Cấp giấy phép xây dựng" in page
    searched = as_focal.get("/thu-tuc/", {"q": "dang ky khai"}).content.decode()
    assert "Đăng ký khai sinh" in searched
    assert "Cấp giấy phép xây dựng" not in searched
    by_level = as_focal.get("/thu-tuc/", {"level": "district"}).content.decode()
    assert "Đăng ký khai sinh" not in by_level
    assert "Cấp giấy phép xây dựng" in by_level
    by_unit = as_focal.get("/thu-tuc/", {"unit": "X1"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Đăng ký khai sinh" in by_unit
    assert "Cấp giấy phép xây dựng" not in by_unit
    assert "<h1>" not in by_unit  # an HTMX request gets the rows only


@pytest.mark.django_db
def test_detail_page_shows_the_cost_table_and_reduction(as_focal: Client) -> None:
    make_procedure(
        code="HKD",
        dossiers_per_year=3500,
        hours_preparation_before=12,
        fees_before=100000,
        other_costs_before=50000,
        hours_preparation_after=6,
        fees_after=50000,
        other_costs_after=0,
    )

    page = as_focal.get("/thu-tuc/HKD/").content.decode()

    assert "630.000" in page
    assert "290.000" in page
    assert "2.205.000.000" in page
    assert "53,97%" in page


@pytest.mark.django_db
def test_unknown_procedure_is_a_404(as_focal: Client) -> None:
    assert as_focal.get("/thu-tuc/KHONG-CO/").status_code == 404
    assert as_focal.get("/api/v1/procedures/KHONG-CO").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_downloads_the_filtered_list(as_focal: Client, fmt: str) -> None:
    make_procedure(code="A.1", level="commune")
    make_procedure(code="B.1", level="district")

    response = as_focal.get("/thu-tuc/xuat/", {"format": fmt, "level": "commune"})

    assert response.status_code == 200
    assert f".{fmt}" in response["Content-Disposition"]
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
        assert "A.1" in text
        assert "B.1" not in text


@pytest.mark.django_db
def test_api_list_is_paginated_and_filtered(as_focal: Client, tree: Any) -> None:
    make_procedure(code="A.1", field="Hộ tịch", units=[tree.commune])
    make_procedure(code="B.1", field="Đất đai")

    body = as_focal.get("/api/v1/procedures", {"field": "Đất đai"}).json()
    assert body["count"] == 1
    assert body["items"][0]["code"] == "B.1"
    body = as_focal.get("/api/v1/procedures", {"unit": "X1", "page_size": 1}).json()
    assert [item["code"] for item in body["items"]] == ["A.1"]
    assert body["items"][0]["units"] == [{"code": "X1", "name": "Xã Một"}]
    assert as_focal.get("/api/v1/procedures", {"level": "thon"}).status_code == 422


@pytest.mark.django_db
def test_api_detail_returns_the_cost(as_focal: Client) -> None:
    make_procedure(code="C.1", hours_information_before=1, hours_information_after="0.5", dossiers_per_year=10)

    cost = as_focal.get("/api/v1/procedures/C.1").json()["cost"]

    assert cost["before"]["per_year"] == "400000"
    assert cost["after"]["per_dossier"] == "20000"
    assert cost["reduction_percent"] == "50.00"


@pytest.mark.django_db
def test_api_requires_authentication(client: Client) -> None:
    assert client.get("/api/v1/procedures").status_code == 401


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(
    as_focal: Client, tree: Any, django_assert_max_num_queries: Any
) -> None:
    for number in range(15):
        make_procedure(code=f"Q.{number}", units=[tree.commune, tree.district])
    assert Procedure.objects.count() == 15

    with django_assert_max_num_queries(12):
        as_focal.get("/api/v1/procedures")
