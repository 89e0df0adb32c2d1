"""The OpenAPI document: a committed snapshot, explicit operation ids, the docs page."""

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from ninja import Router

from cchc.api.api import CchcAPI, api

SNAPSHOT = Path(__file__).with_name("openapi.json")
REGENERATE = "UPDATE_OPENAPI_SNAPSHOT=1 make test PYTEST_ARGS=cchc/api/tests/test_openapi.py"


def _render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def _operations() -> list[tuple[str, str, Any]]:
    return [
        (path, method, operation)
        for path, item in api.get_openapi_schema()["paths"].items()
        for method, operation in item.items()
    ]


def test_schema_matches_the_committed_snapshot() -> None:
    current = _render(api.get_openapi_schema())
    if os.environ.get("UPDATE_OPENAPI_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current, encoding="utf-8")
    committed = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""

    assert current == committed, (
        f"The API's OpenAPI document differs from {SNAPSHOT.name}. If the change is intended, "
        f"regenerate the snapshot with `{REGENERATE}` and commit it with the change."
    )


def test_served_document_is_the_snapshot(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json() == json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def test_the_api_has_the_unit_plan_and_procedure_endpoints() -> None:
    assert sorted((path, method, op["operationId"]) for path, method, op in _operations()) == [
        ("/api/v1/dossier-stats", "get", "dossier_stats"),
        ("/api/v1/dossier-stats/monthly", "get", "dossier_stats_monthly"),
        ("/api/v1/dossiers/batch", "post", "dossiers_batch_upsert"),
        ("/api/v1/dossiers/lookup/{code}", "get", "dossiers_lookup"),
        ("/api/v1/indicators/766", "get", "indicators_766_table"),
        ("/api/v1/indicators/766/sets", "get", "indicators_766_sets"),
        ("/api/v1/plans", "get", "plans_list"),
        ("/api/v1/plans/{plan_id}", "get", "plans_detail"),
        ("/api/v1/plans/{plan_id}/targets", "get", "plans_targets"),
        ("/api/v1/plans/{plan_id}/targets", "post", "plans_targets_create"),
        ("/api/v1/plans/{plan_id}/tasks", "get", "plans_tasks"),
        ("/api/v1/procedures", "get", "procedures_list"),
        ("/api/v1/procedures/{code}", "get", "procedures_detail"),
        ("/api/v1/reports", "get", "reports_list"),
        ("/api/v1/reports", "post", "reports_open"),
        ("/api/v1/reports/completeness", "get", "reports_completeness"),
        ("/api/v1/reports/templates", "get", "reports_templates_list"),
        ("/api/v1/reports/templates/{template_id}/periods", "get", "reports_template_periods"),
        ("/api/v1/reports/{report_id}", "get", "reports_detail"),
        ("/api/v1/reports/{report_id}", "patch", "reports_update"),
        ("/api/v1/reports/{report_id}/accept", "post", "reports_accept"),
        ("/api/v1/reports/{report_id}/return", "post", "reports_return"),
        ("/api/v1/reports/{report_id}/submit", "post", "reports_submit"),
        ("/api/v1/scoring/assessments/{assessment_id}/scores", "get", "scoring_assessment_scores"),
        ("/api/v1/scoring/rounds", "get", "scoring_rounds_list"),
        ("/api/v1/scoring/rounds/{round_id}", "get", "scoring_rounds_detail"),
        ("/api/v1/scoring/rounds/{round_id}/results", "get", "scoring_rounds_results"),
        ("/api/v1/scoring/scores/{score_id}/appraisal", "post", "scoring_scores_appraise"),
        ("/api/v1/scoring/scores/{score_id}/self", "post", "scoring_scores_self"),
        ("/api/v1/scoring/sets", "get", "scoring_sets_list"),
        ("/api/v1/scoring/sets/{set_id}", "get", "scoring_sets_detail"),
        ("/api/v1/targets/{target_id}", "delete", "targets_delete"),
        ("/api/v1/targets/{target_id}", "patch", "targets_update"),
        ("/api/v1/tasks/{task_id}", "get", "tasks_detail"),
        ("/api/v1/tasks/{task_id}", "patch", "tasks_update"),
        ("/api/v1/tasks/{task_id}/updates", "get", "tasks_updates_list"),
        ("/api/v1/tasks/{task_id}/updates", "post", "tasks_updates_create"),
        ("/api/v1/units", "get", "units_list"),
        ("/api/v1/units/tree", "get", "units_tree"),
        ("/api/v1/units/{code}", "get", "units_detail"),
        ("/api/v1/updates/{update_id}/accept", "post", "updates_accept"),
        ("/api/v1/updates/{update_id}/return", "post", "updates_return"),
        ("/api/v1/updates/{update_id}/submit", "post", "updates_submit"),
    ]


def test_every_operation_has_an_explicit_unique_operation_id() -> None:
    explicit = [
        operation.operation_id
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    ]

    assert explicit, "no operations found"
    assert None not in explicit
    assert len(explicit) == len(set(explicit))


def test_an_operation_without_operation_id_is_refused() -> None:
    strict = CchcAPI(urls_namespace="test_operation_ids")
    router = Router()

    @router.get("/ping")
    def ping(request: Any) -> str:
        return "pong"

    strict.add_router("/", router)

    with pytest.raises(ImproperlyConfigured, match="ping has no operation_id"):
        strict.get_openapi_schema(path_prefix="")


def test_every_operation_documents_its_problem_responses() -> None:
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    responses = {op["operationId"]: op["responses"] for _path, _method, op in _operations()}

    assert sorted(responses["units_detail"]) == [200, 401, 404]
    assert sorted(responses["units_list"]) == [200, 401, 422]
    assert sorted(responses["units_tree"]) == [200, 401, 422]
    assert responses["units_detail"][404]["content"] == problem
    assert responses["units_list"][422]["content"] == problem
    # Writes also answer a broken rule (400) and a forbidden action on a visible object (403).
    assert sorted(responses["tasks_update"]) == [200, 400, 401, 403, 404, 422]
    assert sorted(responses["tasks_updates_create"]) == [201, 400, 401, 403, 404, 422]
    assert sorted(responses["updates_accept"]) == [200, 400, 401, 403, 404]
    assert sorted(responses["plans_tasks"]) == [200, 401, 404, 422]
    assert sorted(responses["plans_targets_create"]) == [201, 400, 401, 403, 404, 422]
    assert sorted(responses["targets_update"]) == [200, 400, 401, 403, 404, 422]
    assert sorted(responses["targets_delete"]) == [204, 400, 401, 403, 404]
    assert responses["tasks_update"][403]["content"] == problem


def test_tree_documents_only_the_filter_it_applies() -> None:
    (tree,) = [op for path, _method, op in _operations() if path == "/api/v1/units/tree"]

    assert [p["name"] for p in tree["parameters"]] == ["on"]


def test_docs_page_is_served(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content
