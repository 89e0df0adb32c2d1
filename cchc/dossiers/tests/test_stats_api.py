"""The public API of the one-stop figures and the dossier lookup: anonymous, same figures as dossier_stats."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client

from cchc.dossiers import sla
from cchc.dossiers.selectors import dossier_stats
from cchc.dossiers.tests.builders import facts, june_2024, save_all

pytestmark = pytest.mark.usefixtures("catalogue")

STATS_KEYS = [
    "received", "received_online", "received_counter_post", "carried_over", "resolved", "resolved_early",
    "resolved_on_time", "resolved_late", "in_progress", "in_progress_within_time", "in_progress_overdue",
    "on_time_rate",
]  # fmt: skip


@pytest.fixture
def june(catalogue: None) -> list:
    cache.clear()
    return save_all(june_2024())


def _as_json(stats: sla.Stats) -> dict:
    return {k: (None if v is None else str(v) if k == "on_time_rate" else v) for k, v in stats.as_dict().items()}


def test_stats_for_a_period_anonymously(client: Client, june: list) -> None:
    response = client.get("/api/v1/dossier-stats", {"from": "2024-06-01", "to": "2024-06-30"})

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == ("2024-06-01", "2024-06-30")
    assert list(body["total"]) == STATS_KEYS
    table = dossier_stats(date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 30))
    assert body["total"] == _as_json(table.total)
    assert body["units"] == {code: _as_json(s) for code, s in table.units.items()}
    expected = sla.period_stats(facts(june), dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    assert body["total"] == _as_json(expected)
    assert body["total"]["on_time_rate"] == "75.00"


def test_stats_for_one_unit(client: Client, june: list) -> None:
    body = client.get("/api/v1/dossier-stats", {"from": "2024-06-01", "to": "2024-06-30", "unit": "U2"}).json()

    assert list(body["units"]) == ["U2"]
    assert body["total"]["in_progress_overdue"] == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"from": "2024-07-01", "to": "2024-06-01"}, "dossiers.bad_period"),
        ({"from": "2023-01-01", "to": "2024-06-01"}, "dossiers.period_too_long"),
    ],
)
def test_bad_periods_are_problems(client: Client, params: dict, code: str) -> None:
    response = client.get("/api/v1/dossier-stats", params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_missing_dates_are_422(client: Client) -> None:
    assert client.get("/api/v1/dossier-stats").status_code == 422


def test_monthly_has_twelve_months_of_dossier_stats(client: Client, june: list) -> None:
    response = client.get("/api/v1/dossier-stats/monthly", {"year": 2024, "unit": "U1"})

    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["unit"]) == (2024, "U1")
    assert [m["month"] for m in body["months"]] == list(range(1, 13))
    june_row = body["months"][5]
    assert (june_row["from"], june_row["to"]) == ("2024-06-01", "2024-06-30")
    expected = dossier_stats(date_from=dt.date(2024, 6, 1), date_to=dt.date(2024, 6, 30), unit_code="U1").total
    assert june_row["stats"] == _as_json(expected)


def test_lookup_is_public_and_minimal(client: Client, june: list) -> None:
    response = client.get("/api/v1/dossiers/lookup/A3")

    assert response.status_code == 200
    assert response.json() == {
        "code": "A3",
        "procedure_name": "Thủ tục TT3",
        "unit_name": "Đơn vị thử nghiệm U1",
        "received_on": "2024-06-11",
        "due_date": "2024-06-14",
        "resolved": True,
        "returned": False,
        "status_label": "Đã giải quyết xong, chờ trả kết quả",
        "timeliness": "late",
        "timeliness_label": "quá hạn",
    }


def test_lookup_of_an_unknown_code_is_404(client: Client, june: list) -> None:
    assert client.get("/api/v1/dossiers/lookup/NOPE").status_code == 404


def test_lookup_is_rate_limited(client: Client, june: list) -> None:
    for _ in range(10):
        client.get("/api/v1/dossiers/lookup/A1")

    response = client.get("/api/v1/dossiers/lookup/A1")

    assert response.status_code == 429
    assert response.json()["code"] == "dossiers.rate_limited"
