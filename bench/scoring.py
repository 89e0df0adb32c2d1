"""Benchmark: recomputing the PAR index of a round of 300 units × 120 criteria (issue #6: ≤ 1 s).

Run from the project root::

    .venv/bin/python -m bench.scoring [--units 300] [--criteria 120] [--runs 7]

Uses a throw-away in-memory SQLite database. It builds a province with ``--units``
units in one cohort, one criteria set (``--criteria`` leaf criteria in 8 domains,
a tenth of them "không phát sinh" with full points or removed, survey maximum 10) in
force for two years, and two rounds: the year under measure and the year before (for
the year-over-year change). Every score is filled: self score, appraised score (a
fifth changed by the appraiser), some criteria marked N/A, survey points. Rounds,
assessments and scores are bulk-inserted (not timed: the services would take a minute
and are not what is measured).

It then times, median of ``--runs`` after one warm-up run, with the queries of one run:

* ``selectors.round_results`` — both rounds' indices, the ranking and the change against
  the year before (what the results page, the exports and the API use);
* ``selectors._percents`` of one round — reading the scores and the index of each unit;
* ``selectors.round_sensitivity`` over the results (± 10 % per domain).
"""

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

os.environ["DATABASE_URL"] = "sqlite://:memory:"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from cchc.organizations.choices import UnitKind  # noqa: E402
from cchc.organizations.models import Cohort, OrgUnit  # noqa: E402
from cchc.organizations.services import unit_create  # noqa: E402
from cchc.scoring import selectors  # noqa: E402
from cchc.scoring.choices import AppraisalStatus, AssessmentStatus, NaPolicy, RoundStatus  # noqa: E402
from cchc.scoring.models import Assessment, AssessmentRound, CriteriaSet, Criterion, Score  # noqa: E402
from cchc.scoring.services import tree_key  # noqa: E402

YEAR = 2023
DOMAINS = 8
CENT = Decimal("0.01")


def build_units(count: int) -> tuple[OrgUnit, list[OrgUnit]]:
    """A province and ``count`` units under it (through the service: paths and tree keys as in production)."""
    province = unit_create(
        actor=None, code="BENCH", name="Tỉnh đo hiệu năng", short_name="Tỉnh", kind=UnitKind.PROVINCE,
        valid_from=dt.date(2020, 1, 1),
    )  # fmt: skip
    units = [
        unit_create(
            actor=None,
            code=f"B{i:04d}",
            name=f"Đơn vị đo hiệu năng {i}",
            short_name=f"ĐV {i}",
            kind=UnitKind.DEPARTMENT,
            parent=province,
            valid_from=dt.date(2020, 1, 1),
            sort_order=i,
        )
        for i in range(1, count + 1)
    ]
    return province, units


def build_set(
    province: OrgUnit, cohort: Cohort, leaves: int, rng: random.Random
) -> tuple[CriteriaSet, list[Criterion]]:
    """8 domains, ``leaves`` leaf criteria dealt over them (maxima 0.5–2), survey maximum 10."""
    criteria_set = CriteriaSet.objects.create(
        code="bench", name="Bộ tiêu chí đo hiệu năng", unit=province, cohort=cohort, year_from=YEAR - 1,
        survey_maximum=Decimal(10),
    )  # fmt: skip
    maxima = [[] for _ in range(DOMAINS)]
    for index in range(leaves):
        maxima[index % DOMAINS].append(Decimal(rng.choice(["0.5", "1", "1.5", "2"])))
    created: list[Criterion] = []
    for domain_index, domain_maxima in enumerate(maxima, start=1):
        domain = Criterion.objects.create(
            criteria_set=criteria_set, code=str(domain_index), tree_key=tree_key(str(domain_index)),
            name=f"Lĩnh vực {domain_index}", max_points=sum(domain_maxima, Decimal(0)),
        )  # fmt: skip
        for leaf_index, maximum in enumerate(domain_maxima, start=1):
            code = f"{domain_index}.{leaf_index}"
            created.append(
                Criterion(
                    criteria_set=criteria_set,
                    parent=domain,
                    code=code,
                    tree_key=tree_key(code),
                    name=f"Tiêu chí {code}",
                    max_points=maximum,
                    na_policy=NaPolicy.FULL_POINTS if leaf_index % 2 else NaPolicy.REMOVE,
                )
            )
    return criteria_set, Criterion.objects.bulk_create(created)


def build_round(
    criteria_set: CriteriaSet, year: int, units: list[OrgUnit], leaves: list[Criterion], rng: random.Random
) -> AssessmentRound:
    """A round of ``year`` with every score self-scored and appraised (bulk-inserted)."""
    now = timezone.now()
    assessment_round = AssessmentRound.objects.create(
        criteria_set=criteria_set, year=year, status=RoundStatus.LOCKED, opened_at=now, locked_at=now
    )
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                round=assessment_round,
                unit=unit,
                status=AssessmentStatus.SUBMITTED,
                submitted_at=now,
                survey_points=Decimal(rng.randint(500, 1000)) / 100,
            )
            for unit in units
        ]
    )
    scores = []
    for assessment in assessments:
        skill = rng.uniform(0.55, 1.0)
        for criterion in leaves:
            maximum = criterion.max_points
            not_applicable = rng.random() < 0.05
            self_score = None if not_applicable else (maximum * Decimal(str(min(1.0, skill + 0.1)))).quantize(CENT)
            changed = not not_applicable and rng.random() < 0.2
            appraised = self_score
            if changed:
                appraised = (maximum * Decimal(str(skill * rng.uniform(0.6, 1.0)))).quantize(CENT)
            scores.append(
                Score(
                    assessment=assessment,
                    criterion=criterion,
                    not_applicable=not_applicable,
                    self_score=self_score,
                    appraised_score=appraised,
                    appraisal_status=AppraisalStatus.CHANGED if changed else AppraisalStatus.ACCEPTED,
                    appraised_at=now,
                )
            )
    Score.objects.bulk_create(scores, batch_size=5_000)
    return assessment_round


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def measure(label: str, action: Callable[[], Any], runs: int) -> dict[str, Any]:
    action()  # warm-up
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        result = action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return {
        "label": label,
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "queries": counter.count,
        "result": result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--criteria", type=int, default=120)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    province, units = build_units(args.units)
    cohort = Cohort.objects.create(code="BENCH", name="Nhóm đo hiệu năng")
    cohort.members.set(units)
    criteria_set, leaves = build_set(province, cohort, args.criteria, rng)
    build_round(criteria_set, YEAR - 1, units, leaves, rng)
    current = build_round(criteria_set, YEAR, units, leaves, rng)
    build_s = time.perf_counter() - started
    score_count = Score.objects.filter(assessment__round=current).count()

    def results() -> str:
        rows = selectors.round_results(assessment_round=current).units
        top = rows[0]
        return f"{len(rows)} units; #1 {top.unit_code} {top.result.percent} % ({top.result.band}), Δ {top.change}"

    results_once = selectors.round_results(assessment_round=current)
    timings = [
        measure("round_results (2 rounds, rank, year-over-year)", results, args.runs),
        measure("_percents (one round)", lambda: f"{len(selectors._percents(current))} units", args.runs),
        measure(
            "_percents_checked (one round, reference path)",
            lambda: f"{len(selectors._percents_checked(current))} units",
            args.runs,
        ),
        measure(
            "round_sensitivity (± 10 % per domain)",
            lambda: f"{len(selectors.round_sensitivity(results=results_once))} rows",
            args.runs,
        ),
    ]
    print(f"database: {connection.vendor}; {args.units} units × {len(leaves)} criteria in {DOMAINS} domains")
    print(f"round {YEAR}: {score_count:,} scores (+ the same for {YEAR - 1}); setup {build_s:.1f} s (not timed)")
    same = repr(selectors._percents_checked(current)) == repr(selectors._percents(current))
    print(f"median of {args.runs} runs after one warm-up; _percents equals _percents_checked (repr): {same}")
    print(f"{'step':<50} {'median':>10} {'max':>10} {'queries':>8}  result")
    for row in timings:
        timing = f"{row['median_ms']:>7.1f} ms {row['max_ms']:>7.1f} ms"
        print(f"{row['label']:<50} {timing} {row['queries']:>8}  {row['result']}")
    goal = timings[0]["median_ms"] <= 1000
    print(f"goal ≤ 1 s for round_results: {'met' if goal else 'NOT met'}")


if __name__ == "__main__":
    main()
