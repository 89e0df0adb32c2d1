"""The PAR index endpoints: scope, the criteria tree, progress, scores, writes, problems, results, and IDOR.

A set, round, assessment or score outside the caller's scope answers 404 like one that
does not exist; a score the caller sees but may not act on answers a 403 problem; a
broken rule a 400 problem in Vietnamese. Results are the managers' until published.
"""

import dataclasses
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.services import api_token_create
from cchc.accounts.tests.factories import make_user
from cchc.organizations.choices import UnitKind
from cchc.organizations.models import Cohort
from cchc.organizations.tests.factories import make_unit
from cchc.scoring.choices import AppraisalStatus, ScoreChangeKind
from cchc.scoring.models import Assessment, AssessmentRound, CriteriaSet, ScoreChange
from cchc.scoring.selectors import round_results
from cchc.scoring.services import criteria_set_create, round_create, round_lock, round_open
from cchc.scoring.tests.factories import make_scene, small_criteria
from cchc.scoring.tests.results_scene import (
    lock_and_publish,
    previous_year,
    score_of,
    scored_scene,
    self_score_all,
)

PROBLEM = "application/problem+json"
API = "/api/v1/scoring"
D = Decimal


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["code"], body["status"], body["type"]) == (code, status, f"urn:cchc:problem:{code}")
    return body


def _as(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


@dataclass
class Elsewhere:
    """Another province with its own set and open round: nothing of it is visible from ``tree``."""

    criteria_set: CriteriaSet
    round: AssessmentRound
    office: User
    focal: User


@pytest.fixture
def elsewhere(tree: Any) -> Elsewhere:
    province = make_unit(code="P2", kind=UnitKind.PROVINCE, name="Tỉnh Khác")
    department = make_unit(code="S2", parent=province, name="Sở Khác")
    cohort = Cohort.objects.create(code="C-P2", name="Sở, ban, ngành tỉnh khác")
    cohort.members.set([department])
    office = make_user(role=Role.REFORM_OFFICE, unit=province)
    criteria = [
        dataclasses.replace(spec, appraising_unit_code="S2" if spec.appraising_unit_code else "")
        for spec in small_criteria()
    ]
    criteria_set = criteria_set_create(
        actor=office, unit=province, code="set-p2", name="Bộ tiêu chí tỉnh khác", cohort=cohort, year_from=2023,
        criteria=criteria,
    )  # fmt: skip
    assessment_round = round_open(
        actor=office, assessment_round=round_create(actor=office, criteria_set=criteria_set, year=2023)
    )
    return Elsewhere(criteria_set, assessment_round, office, make_user(role=Role.FOCAL_POINT, unit=department))


def _assessment(scene: Any, unit_code: str) -> Assessment:
    return Assessment.objects.get(round=scene.round, unit__code=unit_code)


# -- authentication --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/sets", "/sets/1", "/rounds", "/rounds/1", "/assessments/1/scores"]
)  # fmt: skip
def test_every_endpoint_but_results_needs_credentials(client: Client, path: str) -> None:
    _problem(client.get(API + path), 401, "unauthenticated")


def test_writes_need_credentials(client: Client) -> None:
    _problem(_post(client, f"{API}/scores/1/self", {"points": "1"}), 401, "unauthenticated")
    _problem(_post(client, f"{API}/scores/1/appraisal", {"decision": "accept"}), 401, "unauthenticated")


# -- criteria sets ---------------------------------------------------------------------------------


def test_sets_are_those_managed_or_of_a_round_taken_part_in(client: Client, tree: Any, elsewhere: Elsewhere) -> None:
    scene = make_scene(tree)

    def codes(user: User) -> list[str]:
        return [item["code"] for item in _ok(_as(client, user).get(f"{API}/sets"))["items"]]

    assert codes(scene.office) == ["set-2023"]
    assert codes(scene.focal_a) == ["set-2023"]  # through the round its unit is assessed in
    assert codes(scene.appraiser_b) == ["set-2023"]
    assert codes(elsewhere.focal) == ["set-p2"]
    assert codes(make_user(role=Role.VIEWER, unit=tree.commune)) == []  # X1 is not in the cohort
    item = _ok(_as(client, scene.office).get(f"{API}/sets"))["items"][0]
    assert item == {
        "id": scene.criteria_set.pk,
        "code": "set-2023",
        "name": "Bộ tiêu chí thử",
        "cohort_code": "C2023",
        "cohort_name": "Sở, ban, ngành",
        "unit_code": "P",
        "unit_name": "Tỉnh Thử Nghiệm",
        "year_from": 2023,
        "year_to": None,
        "decision": "",
        "survey_maximum": "0.00",
        "bands": [
            {"threshold": "90", "label": "A"},
            {"threshold": "80", "label": "B"},
            {"threshold": "0", "label": "C"},
        ],
    }


def test_set_detail_is_the_tree_of_criteria(client: Client, tree: Any) -> None:
    scene = make_scene(tree)

    body = _ok(_as(client, scene.focal_a).get(f"{API}/sets/{scene.criteria_set.pk}"))

    tree_codes = [(domain["code"], [child["code"] for child in domain["children"]]) for domain in body["criteria"]]
    assert tree_codes == [("1", ["1.1", "1.2"]), ("2", ["2.1", "2.2", "2.3"])]
    domain = body["criteria"][1]
    assert (domain["name"], domain["max_points"], domain["appraising_unit_code"]) == ("Cải cách TTHC", "6.00", "SB")
    auto = domain["children"][2]
    assert (auto["rule_kind"], auto["auto_source"], auto["children"]) == ("linear_to_target", "dossiers_on_time", [])


def test_set_detail_of_another_province_is_a_404(client: Client, tree: Any, elsewhere: Elsewhere) -> None:
    scene = make_scene(tree)

    _problem(_as(client, scene.focal_a).get(f"{API}/sets/{elsewhere.criteria_set.pk}"), 404, "not_found")
    _problem(_as(client, scene.office).get(f"{API}/sets/{elsewhere.criteria_set.pk}"), 404, "not_found")
    _problem(_as(client, elsewhere.focal).get(f"{API}/sets/{scene.criteria_set.pk}"), 404, "not_found")


# -- rounds ----------------------------------------------------------------------------------------


def test_rounds_list_is_scoped_filtered_and_paginated(client: Client, tree: Any, elsewhere: Elsewhere) -> None:
    scene = scored_scene(tree)
    older = previous_year(scene, tree)

    body = _ok(_as(client, scene.office).get(f"{API}/rounds"))
    assert [(item["id"], item["year"], item["status"]) for item in body["items"]] == [
        (scene.round.pk, 2023, "open"), (older.pk, 2022, "published"),
    ]  # fmt: skip
    assert body["items"][0]["status_label"] == "Đang tự đánh giá, thẩm định"
    assert [item["id"] for item in _ok(client.get(f"{API}/rounds", {"year": 2022}))["items"]] == [older.pk]
    assert [item["id"] for item in _ok(client.get(f"{API}/rounds", {"status": "open"}))["items"]] == [scene.round.pk]
    page = _ok(client.get(f"{API}/rounds", {"page_size": 1, "page": 2}))
    assert (page["count"], page["page"], [item["id"] for item in page["items"]]) == (2, 2, [older.pk])
    _problem(client.get(f"{API}/rounds", {"status": "closed"}), 422, "validation_error")
    assert [item["id"] for item in _ok(_as(client, elsewhere.focal).get(f"{API}/rounds"))["items"]] == [
        elsewhere.round.pk
    ]


def test_round_detail_gives_managers_every_unit_and_appraiser(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)

    body = _ok(_as(client, scene.office).get(f"{API}/rounds/{scene.round.pk}"))

    assert body["can_manage"] is True
    # In tree order.
    assert [(a["unit_code"], a["status"], a["self_scored"], a["appraised"]) for a in body["assessments"]] == [
        ("H1", "draft", 0, 0),
        ("SA", "submitted", 5, 5),
        ("SB", "submitted", 5, 5),
    ]
    assert body["totals"] == {
        "units": 3, "submitted": 2, "criteria": 15, "self_scored": 10, "appraised": 10, "returned": 0,
    }  # fmt: skip
    assert [(a["unit_code"], a["done"], a["pending"]) for a in body["appraisers"]] == [("SA", 4, 0), ("SB", 6, 0)]


def test_round_detail_shows_others_only_what_they_see(client: Client, tree: Any, elsewhere: Elsewhere) -> None:
    scene = scored_scene(tree)

    focal = _ok(_as(client, scene.focal_a).get(f"{API}/rounds/{scene.round.pk}"))
    assert (focal["can_manage"], focal["appraisers"]) == (False, [])
    assert [a["unit_code"] for a in focal["assessments"]] == ["SA"]
    assert focal["totals"]["units"] == 1
    # SB appraises domain 2 of every unit, so its appraiser reaches all three assessments.
    appraiser = _ok(_as(client, scene.appraiser_b).get(f"{API}/rounds/{scene.round.pk}"))
    assert [a["unit_code"] for a in appraiser["assessments"]] == ["H1", "SA", "SB"]
    _problem(_as(client, elsewhere.focal).get(f"{API}/rounds/{scene.round.pk}"), 404, "not_found")
    _problem(_as(client, elsewhere.office).get(f"{API}/rounds/{scene.round.pk}"), 404, "not_found")
    _problem(_as(client, scene.office).get(f"{API}/rounds/{elsewhere.round.pk}"), 404, "not_found")


# -- scores ----------------------------------------------------------------------------------------


def test_an_assessments_scores_are_those_the_caller_sees(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)
    sa, sb = _assessment(scene, "SA"), _assessment(scene, "SB")

    body = _ok(_as(client, scene.focal_a).get(f"{API}/assessments/{sa.pk}/scores"))
    assert [item["criterion_code"] for item in body["items"]] == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    changed = body["items"][2]
    assert (changed["self_score"], changed["appraised_score"], changed["appraisal_status"]) == (
        "2.00",
        "1.25",
        "changed",
    )
    assert changed["appraisal_reason"] == "Chưa công khai đủ 3 thủ tục"
    assert (changed["domain"], changed["max_points"], changed["appraising_unit_code"]) == ("2", "2.00", "SB")
    removed = body["items"][3]
    assert (removed["not_applicable"], removed["self_score"]) == (True, None)
    # An appraiser sees, of another unit's assessment, only the criteria routed to its unit.
    routed = _ok(_as(client, scene.appraiser_a).get(f"{API}/assessments/{sb.pk}/scores"))
    assert [item["criterion_code"] for item in routed["items"]] == ["1.1", "1.2"]
    assert _ok(_as(client, scene.office).get(f"{API}/assessments/{sb.pk}/scores"))["count"] == 5


def test_another_units_assessment_is_a_404(client: Client, tree: Any, elsewhere: Elsewhere) -> None:
    scene = scored_scene(tree)
    sb = _assessment(scene, "SB")

    _problem(_as(client, scene.focal_a).get(f"{API}/assessments/{sb.pk}/scores"), 404, "not_found")
    _problem(_as(client, elsewhere.focal).get(f"{API}/assessments/{sb.pk}/scores"), 404, "not_found")
    other = Assessment.objects.get(round=elsewhere.round)
    _problem(_as(client, scene.office).get(f"{API}/assessments/{other.pk}/scores"), 404, "not_found")


def test_self_scoring_through_the_api(client: Client, tree: Any) -> None:
    scene = make_scene(tree)
    score = score_of(scene.round, "SA", "1.2")
    client = _as(client, scene.focal_a)

    body = _ok(_post(client, f"{API}/scores/{score.pk}/self", {"points": "1.5", "explanation": "Thiếu báo cáo quý IV"}))

    assert (body["id"], body["self_score"], body["self_explanation"]) == (score.pk, "1.50", "Thiếu báo cáo quý IV")
    change = ScoreChange.objects.get(score=score)
    assert (change.kind, change.new_value, change.actor) == (ScoreChangeKind.SELF, D("1.5"), scene.focal_a)
    na = _ok(_post(client, f"{API}/scores/{score.pk}/self", {"points": None, "not_applicable": True}))
    assert (na["self_score"], na["not_applicable"]) == (None, True)


@pytest.mark.parametrize(
    ("payload", "code", "message"),
    [
        ({"points": "3"}, "scoring.points_range", "phải từ 0 đến 2"),
        ({"points": "1.234"}, "scoring.points_precision", "chỉ được có hai chữ số thập phân"),
        ({"points": None}, "scoring.points_missing", "nhập điểm tự chấm hoặc chọn 'không phát sinh'"),
    ],
)
def test_a_broken_rule_is_a_400_problem_in_vietnamese(
    client: Client, tree: Any, payload: dict[str, Any], code: str, message: str
) -> None:
    scene = make_scene(tree)
    score = score_of(scene.round, "SA", "1.2")

    body = _problem(_post(_as(client, scene.focal_a), f"{API}/scores/{score.pk}/self", payload), 400, code)

    assert message in body["detail"]
    score.refresh_from_db()
    assert score.self_score is None


def test_self_scoring_a_locked_round_or_a_submitted_assessment_is_refused(client: Client, tree: Any) -> None:
    scene = make_scene(tree)
    self_score_all(
        scene, scene.round, "SA", scene.focal_a, {"1.1": D(2), "1.2": D(2), "2.1": D(2), "2.2": D(2), "2.3": D(2)}
    )
    client = _as(client, scene.focal_a)
    score = score_of(scene.round, "SA", "1.2")

    body = _problem(_post(client, f"{API}/scores/{score.pk}/self", {"points": "1"}), 400, "scoring.submitted")
    assert "đã gửi thẩm định" in body["detail"]
    round_lock(actor=scene.office, assessment_round=scene.round)
    _problem(_post(client, f"{API}/scores/{score.pk}/self", {"points": "1"}), 400, "scoring.round_not_open")


def test_self_scoring_a_score_out_of_scope_is_a_404_and_without_the_role_a_403(client: Client, tree: Any) -> None:
    scene = make_scene(tree)
    score = score_of(scene.round, "SA", "1.2")

    _problem(_post(_as(client, scene.focal_b), f"{API}/scores/{score.pk}/self", {"points": "1"}), 404, "not_found")
    # SA's appraiser sees SA's assessment (its own unit) but is not its focal point.
    body = _problem(
        _post(_as(client, scene.appraiser_a), f"{API}/scores/{score.pk}/self", {"points": "1"}), 403, "core.error"
    )
    assert body["detail"] == "Bạn không có quyền tự chấm điểm."
    score.refresh_from_db()
    assert score.self_score is None


def test_appraisal_through_the_api(client: Client, tree: Any) -> None:
    scene = make_scene(tree)
    self_score_all(
        scene, scene.round, "SA", scene.focal_a, {"1.1": D(2), "1.2": D(2), "2.1": D(2), "2.2": D(2), "2.3": D(2)}
    )
    client = _as(client, scene.appraiser_a)
    accepted, changed = score_of(scene.round, "SA", "1.1"), score_of(scene.round, "SA", "1.2")

    body = _ok(_post(client, f"{API}/scores/{accepted.pk}/appraisal", {"decision": "accept"}))
    assert (body["appraisal_status"], body["appraised_score"]) == ("accepted", "2.00")
    problem = _problem(
        _post(client, f"{API}/scores/{changed.pk}/appraisal", {"decision": "change", "points": "1"}),
        400,
        "scoring.reason_missing",
    )
    assert problem["detail"] == "Điều chỉnh điểm phải ghi rõ lý do."
    body = _ok(
        _post(
            client,
            f"{API}/scores/{changed.pk}/appraisal",
            {"decision": "change", "points": "1.5", "reason": "Thiếu quý IV"},
        )
    )
    assert (body["appraisal_status"], body["appraised_score"], body["self_score"]) == ("changed", "1.50", "2.00")
    invalid = _problem(
        _post(client, f"{API}/scores/{changed.pk}/appraisal", {"decision": "maybe"}), 422, "validation_error"
    )
    assert "accept" in invalid["detail"]
    changed.refresh_from_db()
    assert changed.appraisal_status == AppraisalStatus.CHANGED


def test_appraising_outside_the_routing_is_a_403_or_a_404(client: Client, tree: Any) -> None:
    scene = make_scene(tree)
    for unit_code, focal in (("SA", scene.focal_a), ("SB", scene.focal_b)):
        self_score_all(
            scene, scene.round, unit_code, focal, {"1.1": D(2), "1.2": D(2), "2.1": D(2), "2.2": D(2), "2.3": D(2)}
        )
    accept = {"decision": "accept"}

    # SA's appraiser sees SA's assessment, but domain 2 is SB's to appraise.
    url = f"{API}/scores/{score_of(scene.round, 'SA', '2.1').pk}/appraisal"
    _problem(_post(_as(client, scene.appraiser_a), url, accept), 403, "core.error")
    # SB's own domain-2 score is neither SA's unit nor routed to SA: not even visible.
    url = f"{API}/scores/{score_of(scene.round, 'SB', '2.1').pk}/appraisal"
    _problem(_post(_as(client, scene.appraiser_a), url, accept), 404, "not_found")
    # The focal point may not appraise its own unit.
    url = f"{API}/scores/{score_of(scene.round, 'SA', '1.1').pk}/appraisal"
    _problem(_post(_as(client, scene.focal_a), url, accept), 403, "core.error")
    assert score_of(scene.round, "SA", "1.1").appraisal_status == AppraisalStatus.PENDING


# -- results ---------------------------------------------------------------------------------------


def _units(body: dict[str, Any]) -> list[tuple[str, int, str, str, str | None]]:
    return [(u["unit_code"], u["rank"], u["percent"], u["band"], u["change"]) for u in body["units"]]


def _expected(assessment_round: AssessmentRound) -> list[tuple[str, int, str, str, str | None]]:
    return [
        (u.unit_code, u.rank, str(u.result.percent), u.result.band, None if u.change is None else str(u.change))
        for u in round_results(assessment_round=assessment_round).units
    ]


def test_results_are_the_managers_until_published_then_everyones(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)
    previous_year(scene, tree)
    url = f"{API}/rounds/{scene.round.pk}/results"

    body = _ok(_as(client, scene.office).get(url))
    assert body["published"] is False
    assert _units(body) == _expected(scene.round)
    assert _units(body) == [
        ("SB", 1, "87.50", "B", "87.50"),
        ("SA", 2, "81.94", "B", "-18.06"),
        ("H1", 3, "0.00", "C", "0.00"),
    ]
    sa = body["units"][1]
    assert (sa["points"], sa["maximum"], sa["survey_points"], sa["unscored"]) == ("14.75", "18.00", "8.00", 0)
    assert sa["domains"] == [
        {"code": "1", "points": "3.50", "maximum": "4.00", "unscored": 0},
        {"code": "2", "points": "3.25", "maximum": "4.00", "unscored": 0},
    ]
    assert [d["code"] for d in body["domains"]] == ["1", "2"]
    assert [b["label"] for b in body["bands"]] == ["A", "B", "C"]
    _problem(_as(client, scene.focal_a).get(url), 404, "not_found")
    client.logout()
    _problem(client.get(url), 404, "not_found")

    lock_and_publish(scene)

    body = _ok(client.get(url))
    assert body["published"] is True
    assert body["round"]["status"] == "published"
    assert _units(body) == _expected(scene.round)
    assert _units(_as(client, scene.focal_a).get(url).json()) == _expected(scene.round)


def test_unpublished_results_are_a_404_even_with_a_bad_token(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)

    response = client.get(f"{API}/rounds/{scene.round.pk}/results", HTTP_AUTHORIZATION="Bearer cchc_wrong")

    _problem(response, 404, "not_found")


def test_a_manager_token_reads_unpublished_results(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)
    _token, raw = api_token_create(actor=scene.office, user=scene.office, name="tích hợp")

    body = _ok(client.get(f"{API}/rounds/{scene.round.pk}/results", HTTP_AUTHORIZATION=f"Bearer {raw}"))

    assert body["published"] is False
    assert _units(body) == _expected(scene.round)


def test_the_public_results_hide_an_unpublished_last_year(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)
    previous_year(scene, tree, publish=False)
    lock_and_publish(scene)
    url = f"{API}/rounds/{scene.round.pk}/results"

    public = _ok(client.get(url))
    assert {(u["previous_percent"], u["change"]) for u in public["units"]} == {(None, None)}
    managed = _ok(_as(client, scene.office).get(url))
    assert managed["units"][1]["change"] == "-18.06"


def test_results_of_another_provinces_round_are_a_404(client: Client, tree: Any, elsewhere: Elsewhere) -> None:
    scene = make_scene(tree)

    _problem(_as(client, scene.office).get(f"{API}/rounds/{elsewhere.round.pk}/results"), 404, "not_found")
    _problem(_as(client, elsewhere.office).get(f"{API}/rounds/{scene.round.pk}/results"), 404, "not_found")
