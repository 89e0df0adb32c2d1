"""POST /api/v1/dossiers/batch: idempotent upsert by code, located rejections, reform office only."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.services import api_token_create
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.dossiers.aggregates import aggregate_rows, expected_aggregate_rows
from cchc.dossiers.api_upsert import MAX_BATCH
from cchc.dossiers.models import Dossier
from cchc.organizations.choices import UnitKind
from cchc.organizations.tests.factories import make_unit

URL = "/api/v1/dossiers/batch"
ITEMS = [
    {"code": "HS1", "procedure_code": "TT2", "unit_code": "U1", "channel": "online",
     "received_at": "2024-02-02T15:00:00+07:00", "due_date": "2024-02-07", "paid_online": True},
    {"code": "HS2", "procedure_code": "TT2", "unit_code": "U2", "channel": "counter",
     "received_at": "2024-02-06 09:00", "resolved_at": "2024-02-15 10:00", "outcome": "result_issued"},
]  # fmt: skip


@pytest.fixture
def machine(catalogue: None) -> dict[str, str]:
    """A bearer token of the reform office on the province."""
    province = make_unit(code="P", kind=UnitKind.PROVINCE)
    user = make_user(role=Role.REFORM_OFFICE, unit=province, username="mot.cua")
    _token, raw = api_token_create(actor=user, user=user, name="Hệ thống một cửa")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client: Client, items: Any, headers: dict[str, str]) -> Any:
    return client.post(URL, data=json.dumps(items), content_type="application/json", **headers)


def test_the_same_batch_twice_creates_then_changes_nothing(client: Client, machine: dict[str, str]) -> None:
    """Idempotent by code: the second identical request reports every item unchanged; a change updates."""
    first = _post(client, ITEMS, machine)
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0, "rejected": []}
    assert Dossier.objects.get(code="HS1").due_date == dt.date(2024, 2, 7)
    again = _post(client, ITEMS, machine)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2, "rejected": []}
    changed = [{**ITEMS[0], "resolved_at": "2024-02-06T08:00:00+07:00"}, ITEMS[1]]
    assert _post(client, changed, machine).json() == {"created": 0, "updated": 1, "unchanged": 1, "rejected": []}
    assert Dossier.objects.count() == 2
    assert aggregate_rows() == expected_aggregate_rows()
    assert AuditEvent.objects.filter(action="dossier_import.batch").count() == 3


def test_bad_items_are_rejected_alone_with_their_index(client: Client, machine: dict[str, str]) -> None:
    """Unknown codes, impossible dates, duplicates and non-objects are rejected; the good items are written."""
    items = [
        ITEMS[0],
        {**ITEMS[1], "unit_code": "NOPE"},
        {**ITEMS[1], "code": "HS3", "resolved_at": "2024-02-01 10:00"},
        "not an object",
        ITEMS[0],
        {**ITEMS[1], "code": "HS4", "colour": "blue"},
    ]
    body = _post(client, items, machine).json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 0, 0)
    assert [r["index"] for r in body["rejected"]] == [1, 2, 3, 4, 5]
    assert "NOPE" in body["rejected"][0]["reason"]
    assert "mục 2" in body["rejected"][0]["reason"]
    assert "trước thời điểm tiếp nhận" in body["rejected"][1]["reason"]
    assert "trùng" in body["rejected"][3]["reason"]
    assert list(Dossier.objects.values_list("code", flat=True)) == ["HS1"]


def test_only_the_reform_office_or_an_administrator_may_push(client: Client, catalogue: None) -> None:
    """A focal point's token is refused with 403 and nothing is written; no token is a 401."""
    province = make_unit(code="P", kind=UnitKind.PROVINCE)
    dept = make_unit(code="SA", parent=province)
    focal = make_user(role=Role.FOCAL_POINT, unit=province, username="daumoi")
    office_on_dept = make_user(role=Role.REFORM_OFFICE, unit=dept, username="cchc.so")
    for user in (focal, office_on_dept):
        _token, raw = api_token_create(actor=user, user=user, name="t")
        response = _post(client, ITEMS, {"HTTP_AUTHORIZATION": f"Bearer {raw}"})
        assert response.status_code == 403
        assert response.json()["code"] == "dossiers.upsert_forbidden"
    assert _post(client, ITEMS, {}).status_code == 401
    assert not Dossier.objects.exists()


def test_a_batch_over_the_limit_is_a_422(client: Client, machine: dict[str, str]) -> None:
    """More than MAX_BATCH items is refused as a whole, before anything is read."""
    response = _post(client, [ITEMS[0]] * (MAX_BATCH + 1), machine)
    assert response.status_code == 422
    assert not Dossier.objects.exists()
