"""An auto-scored criterion links to the data behind it: the unit's tasks in the plan, or its Biểu 06 page."""

from django.test import Client

from cchc.scoring.models import Score
from cchc.scoring.tests.factories import make_scene
from cchc.tasks.tests.factories import make_plan, make_task


def test_the_assessment_page_links_an_auto_score_to_its_tasks_and_dossiers(tree, client: Client):
    scene = make_scene(tree)
    plan = make_plan(unit=tree.province, year=2023)
    late = make_task(plan=plan, code="II.3.a", title="Rà soát thủ tục hành chính", lead_unit=tree.dept_a)
    scores = Score.objects.filter(assessment__round=scene.round, assessment__unit=tree.dept_a)
    tasks_score, dossier_score = scores.get(criterion__code="1.1"), scores.get(criterion__code="2.3")
    Score.objects.filter(pk=tasks_score.pk).update(
        auto_value="0.5",
        auto_detail={
            "detail": "1/2 nhiệm vụ hoàn thành đúng hạn",
            "numerator": 1,
            "denominator": 2,
            "drill_down": {"kind": "tasks", "unit_code": "SA", "plan_ids": [plan.pk], "task_ids": [late.pk]},
        },
    )
    Score.objects.filter(pk=dossier_score.pk).update(
        auto_value="0.9",
        auto_detail={
            "detail": "9/10 hồ sơ đúng hạn",
            "numerator": 9,
            "denominator": 10,
            "drill_down": {"kind": "dossiers", "unit_code": "SA", "from": "2023-01-01", "to": "2023-12-31"},
        },
    )
    client.force_login(scene.focal_a)
    html = client.get(f"/chi-so-cchc/ban/{tasks_score.assessment_id}/").content.decode()
    assert f'href="/ke-hoach/{plan.pk}/?don_vi=SA"' in html
    assert f'href="/ke-hoach/{plan.pk}/#task-II.3.a"' in html
    assert "Chưa đúng hạn: II.3.a Rà soát thủ tục hành chính" in html
    assert 'href="/mot-cua/don-vi/SA/?nam=2023&amp;thang=12"' in html
