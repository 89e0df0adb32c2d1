"""``GET /api/v1/indicators/766`` and ``/indicators/766/sets``: public, the same figures as the pages."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from cchc.indicators.models import IndicatorSet
from cchc.indicators.tests.factories import SET_CODE, June

pytestmark = pytest.mark.django_db


def _cells(row: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        c["indicator"]: (c["numerator"], c["denominator"], c["rate_percent"], c["points"], c["status"])
        for c in row["cells"]
    }


def test_table_of_a_month(client: Client, june: June) -> None:
    response = client.get("/api/v1/indicators/766", {"year": 2024, "month": 6})

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["month"], body["from"], body["to"], body["provisional"]) == (
        2024, 6, "2024-06-01", "2024-06-30", False,
    )  # fmt: skip
    assert body["indicator_set"]["code"] == SET_CODE
    assert body["indicator_set"]["max_points"] == "100.00"
    rows = {row["unit"]: row for row in body["rows"]}
    assert list(rows) == ["X1", "SA", "SB"]
    sa = rows["SA"]
    assert _cells(sa)["tien-do"] == (5, 8, "62.50", "12.76", "ok")
    assert _cells(sa)["cong-khai"] == (None, None, "90.00", "16.20", "ok")
    assert (sa["points"], sa["max_points"], sa["missing"]) == ("79.96", "100.00", [])
    assert sa["electronic_result"] == {"numerator": 3, "denominator": 4, "rate_percent": "75.00"}
    sb = rows["SB"]
    assert _cells(sb)["hai-long"] == (0, 0, None, None, "not_applicable")
    assert _cells(sb)["cong-khai"] == (None, None, None, None, "not_entered")
    assert sb["missing"] == ["cong-khai", "hai-long"]
    total = body["total"]
    assert total["unit"] is None
    assert total["unit_name"] == "Toàn tỉnh"
    assert total["points"] == "73.12"
    assert _cells(total)["tien-do"] == (6, 10, "60.00", "12.24", "ok")


def test_table_of_one_unit(client: Client, june: June) -> None:
    body = client.get("/api/v1/indicators/766", {"year": 2024, "month": 6, "unit": "SB"}).json()

    assert [row["unit"] for row in body["rows"]] == ["SB"]
    assert body["total"]["points"] == "23.95"


def test_unknown_unit_is_a_404_problem(client: Client, june: June) -> None:
    response = client.get("/api/v1/indicators/766", {"year": 2024, "month": 6, "unit": "KHONG-CO"})

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("params", [{"year": 2024}, {"year": 2024, "month": 13}, {"year": 1900, "month": 1}])
def test_bad_parameters_are_422(client: Client, params: dict[str, int]) -> None:
    response = client.get("/api/v1/indicators/766", params)

    assert response.status_code == 422
    assert response.json()["code"]


def test_month_without_a_set(client: Client, tree: Any) -> None:
    body = client.get("/api/v1/indicators/766", {"year": 2021, "month": 1}).json()

    assert body["indicator_set"] is None
    assert body["rows"] == []
    assert body["total"] is None


def test_sets_list_the_indicators(client: Client) -> None:
    response = client.get("/api/v1/indicators/766/sets")

    assert response.status_code == 200
    (shipped,) = response.json()
    assert shipped["code"] == SET_CODE
    assert shipped["effective_from"] == "2022-06-23"
    assert shipped["effective_to"] is None
    assert [(i["code"], i["group"], i["max_points"], i["target"], i["source"]) for i in shipped["indicators"]] == [
        ("cong-khai", "publicity", "18.00", "1.0000", "manual"),
        ("tien-do", "progress", "20.00", "0.9800", "progress"),
        ("truc-tuyen", "online", "12.00", "0.5000", "online"),
        ("thanh-toan", "payment", "10.00", "0.3000", "payment"),
        ("so-hoa", "digitisation", "22.00", "0.8000", "digitisation"),
        ("hai-long", "satisfaction", "18.00", None, "satisfaction"),
    ]
    assert shipped["indicators"][1]["rule"] == "Điểm = 20 nếu tỷ lệ ≥ 98 %; thấp hơn: tỷ lệ × 20 / 98 %."
    assert shipped["indicators"][0]["group_label"] == "Công khai, minh bạch"


def test_overlapping_sets_are_a_400_problem(client: Client, tree: Any) -> None:
    IndicatorSet.objects.create(code="trung", name="Trùng", legal_basis="-", effective_from=dt.date(2024, 1, 1))

    response = client.get("/api/v1/indicators/766", {"year": 2024, "month": 6})

    assert response.status_code == 400
    assert response.json()["code"] == "indicators.set_overlap"
