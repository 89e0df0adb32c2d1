"""The periodic reports API: templates and periods, the report workflow, completeness, scope (IDOR) and problems.

The local date is fixed at Wed 15/03/2023 (``timezone.localdate`` replaced), inside
quarter I 2023 of the scene's template: due Thu 16/03, locked after Thu 30/03.
"""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cchc.reports.models import Report, ReportStatus
from cchc.reports.tests.factories import Scene, make_scene

JSON = "application/json"
TODAY = dt.date(2023, 3, 15)


@pytest.fixture(autouse=True)
def _mid_march_2023(monkeypatch: pytest.MonkeyPatch) -> None:
    original = timezone.localdate

    def fake(value: Any = None, timezone: Any = None) -> dt.date:
        return TODAY if value is None else original(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", fake)


@pytest.fixture
def scene(tree: Any) -> Scene:
    return make_scene(tree)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


def _open(client: Client, scene: Scene, unit: str = "SA", status: int = 201) -> dict[str, Any]:
    payload = {"template": scene.template.pk, "unit": unit, "year": 2023, "period_index": 1}
    return _ok(client.post("/api/v1/reports", payload, content_type=JSON), status)


def test_templates_and_their_periods(client: Client, scene: Scene) -> None:
    client.force_login(scene.focal_a)
    page = _ok(client.get("/api/v1/reports/templates"))
    (template,) = page["items"]
    assert (template["code"], template["unit_code"], template["cohorts"], template["units"]) == (
        "cchc-quy", "P", ["RPT"], ["X1"],
    )  # fmt: skip
    assert template["rules"][0]["left"] == "resolved"

    periods = _ok(client.get(f"/api/v1/reports/templates/{scene.template.pk}/periods?year=2023"))
    assert [p["label"] for p in periods] == ["quý I/2023", "quý II/2023", "quý III/2023", "quý IV/2023"]
    assert periods[0] == {
        "year": 2023, "index": 1, "label": "quý I/2023", "window_from": "2022-12-15", "window_to": "2023-03-14",
        "deadline": "2023-03-16", "lock_date": "2023-03-30",
    }  # fmt: skip
    assert _ok(client.get(f"/api/v1/reports/templates/{scene.template.pk}/periods?year=2019")) == []
    assert len(_ok(client.get(f"/api/v1/reports/templates/{scene.template.pk}/periods"))) == 4  # this year
    _problem(client.get("/api/v1/reports/templates/999999/periods"), 404, "not_found")


def test_the_workflow_through_the_api(client: Client, scene: Scene) -> None:
    """Open (201, then 200), patch, a refused submission listing its errors, fix, submit, return, accept."""
    client.force_login(scene.focal_a)
    opened = _open(client, scene)
    assert (opened["status"], opened["period"]["deadline"], opened["lock"]["locked"]) == ("draft", "2023-03-16", False)
    assert _open(client, scene, status=200)["id"] == opened["id"]
    url = f"/api/v1/reports/{opened['id']}"

    patched = _ok(client.patch(url, {"answers": {"received": 5, "resolved": 9}}, content_type=JSON))
    assert patched["values"] == {"received": 5, "resolved": 9}
    patched = _ok(client.patch(url, {"narratives": {"I": "Đã ban hành kế hoạch."}}, content_type=JSON))
    assert (patched["values"], patched["narratives"]) == (
        {"received": 5, "resolved": 9},
        {"I": "Đã ban hành kế hoạch."},
    )
    bad_type = _problem(client.patch(url, {"answers": {"received": "năm"}}, content_type=JSON), 400, "reports.invalid")
    assert bad_type["errors"] == ["mục II.3, trường received: 'năm' không phải là số nguyên"]

    refused = _problem(client.post(f"{url}/submit"), 400, "reports.invalid")
    assert refused["errors"] == ["mục II.3, trường resolved: không được lớn hơn số hồ sơ tiếp nhận"]
    _ok(client.patch(url, {"answers": {"resolved": 4, "on_time_rate": "97,5"}}, content_type=JSON))
    sent = _ok(client.post(f"{url}/submit"))
    assert (sent["status"], sent["values"]["on_time_rate"]) == ("submitted", "97.5")
    _problem(client.post(f"{url}/accept"), 403, "core.error")  # services raise PermissionDeniedError without a code

    client.force_login(scene.office)
    _problem(client.post(f"{url}/return", {"reason": ""}, content_type=JSON), 422, "validation_error")
    returned = _ok(client.post(f"{url}/return", {"reason": "Bổ sung số liệu."}, content_type=JSON))
    assert (returned["status"], returned["return_reason"]) == ("returned", "Bổ sung số liệu.")
    client.force_login(scene.focal_a)
    _ok(client.post(f"{url}/submit"))
    client.force_login(scene.office)
    accepted = _ok(client.post(f"{url}/accept"))
    assert (accepted["status"], accepted["lock"]["locked"]) == ("accepted", True)
    client.force_login(scene.focal_a)
    _problem(client.patch(url, {"answers": {"received": 6}}, content_type=JSON), 400, "reports.locked")


def test_opening_refuses_other_units_and_unassigned_ones(client: Client, scene: Scene) -> None:
    client.force_login(scene.focal_a)
    payload = {"template": scene.template.pk, "unit": "SB", "year": 2023, "period_index": 1}
    _problem(client.post("/api/v1/reports", payload, content_type=JSON), 404, "not_found")  # out of scope
    payload["unit"] = "SA-1"
    _problem(client.post("/api/v1/reports", payload, content_type=JSON), 400, "reports.not_assigned")
    payload.update(unit="SA", period_index=5)
    _problem(client.post("/api/v1/reports", payload, content_type=JSON), 400, "reports.period_index")
    payload.update(period_index=1, template=999999)
    _problem(client.post("/api/v1/reports", payload, content_type=JSON), 404, "not_found")


def test_the_list_is_scoped_and_filtered(client: Client, scene: Scene) -> None:
    client.force_login(scene.focal_a)
    _open(client, scene)
    client.force_login(scene.focal_b)
    _open(client, scene, unit="SB")
    client.force_login(scene.focal_h)
    h1 = _open(client, scene, unit="H1")
    _ok(client.patch(f"/api/v1/reports/{h1['id']}", {"answers": {"received": 1, "resolved": 1}}, content_type=JSON))
    _ok(client.post(f"/api/v1/reports/{h1['id']}/submit"))

    client.force_login(scene.focal_b)
    assert [r["unit_code"] for r in _ok(client.get("/api/v1/reports"))["items"]] == ["SB"]
    client.force_login(scene.office)
    everything = _ok(client.get("/api/v1/reports"))
    assert (everything["count"], sorted(r["unit_code"] for r in everything["items"])) == (3, ["H1", "SA", "SB"])
    assert [r["unit_code"] for r in _ok(client.get("/api/v1/reports?status=submitted"))["items"]] == ["H1"]
    assert _ok(client.get("/api/v1/reports?unit=SB&period=1&year=2023"))["count"] == 1
    assert _ok(client.get(f"/api/v1/reports?template={scene.template.pk}&period=2"))["count"] == 0
    assert _ok(client.get("/api/v1/reports?page_size=1"))["items"][0]["period_label"] == "quý I/2023"
    _problem(client.get("/api/v1/reports?status=bogus"), 422, "validation_error")


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"answers": {"received": 1}}),
        ("post", "/submit", None),
        ("post", "/return", {"reason": "x"}),
        ("post", "/accept", None),
    ],
)
def test_another_units_report_is_not_found(
    client: Client, scene: Scene, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    """IDOR: a sibling department's focal point gets 404 for Sở A's report, as for one that does not exist."""
    client.force_login(scene.focal_a)
    report = _open(client, scene)
    client.force_login(scene.focal_b)
    for report_id in (report["id"], 999999):
        call = getattr(client, method)
        kwargs = {"data": body, "content_type": JSON} if body is not None else {}
        _problem(call(f"/api/v1/reports/{report_id}{suffix}", **kwargs), 404, "not_found")
    assert Report.objects.get(pk=report["id"]).status == ReportStatus.DRAFT


def test_completeness_of_a_period(client: Client, scene: Scene) -> None:
    client.force_login(scene.focal_a)
    report = _open(client, scene)
    _ok(client.patch(f"/api/v1/reports/{report['id']}", {"answers": {"received": 2, "resolved": 2}}, content_type=JSON))
    _ok(client.post(f"/api/v1/reports/{report['id']}/submit"))
    # Sent in the morning of 15/03/2023, as the quarter had it (the service stamps the real time).
    Report.objects.filter(pk=report["id"]).update(submitted_at=dt.datetime(2023, 3, 15, 3, 0, tzinfo=dt.UTC))
    url = f"/api/v1/reports/completeness?template={scene.template.pk}&year=2023&period=1"
    _problem(client.get(url), 404, "not_found")  # a focal point does not manage the template

    client.force_login(scene.office)
    result = _ok(client.get(url))
    assert (result["expected"], result["received"], result["on_time"], result["missing"]) == (4, 1, 1, 3)
    assert result["period"]["label"] == "quý I/2023"
    assert result["cohorts"] == [
        {"cohort": "Sở, ban, ngành", "expected": 3, "received": 1, "on_time": 1, "missing": 2},
        {"cohort": "Đơn vị được giao riêng", "expected": 1, "received": 0, "on_time": 0, "missing": 1},
    ]
    units = {row["unit_code"]: row for row in result["units"]}
    assert (units["SA"]["status"], units["SA"]["submitted_on"], units["SA"]["on_time"]) == (
        "submitted", "2023-03-15", True,
    )  # fmt: skip
    assert units["X1"]["status"] is None
    _problem(client.get(url.replace("period=1", "period=5")), 404, "not_found")
    _problem(client.get("/api/v1/reports/completeness?year=2023&period=1"), 422, "validation_error")


def test_without_credentials_the_endpoints_are_401(client: Client, scene: Scene) -> None:
    _problem(client.get("/api/v1/reports"), 401, "unauthenticated")
    _problem(client.get("/api/v1/reports/templates"), 401, "unauthenticated")
    _problem(client.post("/api/v1/reports", {}, content_type=JSON), 401, "unauthenticated")
