"""The demo reports of Hải Dương 2023: every state appears, the fixed stories hold, a second load writes nothing."""

import datetime as dt

import pytest

from cchc.audit.models import AuditEvent
from cchc.reports.demo import reports_load_demo
from cchc.reports.models import ProvinceReport, Report, ReportStatus, ReportTemplate
from cchc.reports.selectors import completeness
from cchc.web.demo import demo_load


@pytest.mark.django_db
def test_the_demo_reports_tell_every_state_and_load_once() -> None:
    """Quarters I–III and the first half have reports in every state; the tour's two stories hold; idempotent."""
    demo_load()
    reports = Report.objects.filter(year=2023, template__code__in=["cchc-quy", "cchc-6-thang"])
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    assert set(reports.values_list("template__code", "period_index").distinct()) == {
        ("cchc-quy", 1), ("cchc-quy", 2), ("cchc-quy", 3), ("cchc-6-thang", 1),
    }  # fmt: skip
    result = completeness(ReportTemplate.objects.get(code="cchc-quy"), 2023, 1)
    assert result.expected == 30  # 18 departments and 12 district-level units
    assert 0 < result.on_time < result.received < result.expected  # some sent late, some not at all

    # Sở Y tế's quarter I is a prefilled draft (the browser test finishes it).
    health = Report.objects.get(unit__code="HD.SYT", template__code="cchc-quy", year=2023, period_index=1)
    assert health.status == ReportStatus.DRAFT
    assert health.sources["dossiers_received"]["source"].startswith("Tự động từ")
    assert health.narratives["I"].startswith("Sở Y tế tỉnh Hải Dương đã ban hành Kế hoạch CCHC năm 2023")
    # UBND huyện Gia Lộc's was sent on time in March and returned with a reason.
    gia_loc = Report.objects.get(unit__code="HD.H297", template__code="cchc-quy", year=2023, period_index=1)
    assert gia_loc.status == ReportStatus.RETURNED
    assert "kiểm tra CCHC" in gia_loc.return_reason
    assert gia_loc.submitted_at is not None
    assert dt.date(2023, 3, 15) <= gia_loc.submitted_at.date() <= dt.date(2023, 3, 16)
    assert gia_loc.narratives["I"].startswith("UBND huyện Gia Lộc đã ban hành")

    # The reform office's consolidated report of the first half: numbered, its narrative edited from the units'.
    half = ProvinceReport.objects.get(template__code="cchc-6-thang", year=2023, period_index=1)
    assert half.number == "158/BC-SNV"
    assert half.narratives
    assert all(text.startswith("Trong 6 tháng đầu năm 2023,") for text in half.narratives.values())

    before = (AuditEvent.objects.count(), Report.objects.count(), ReportTemplate.objects.count())
    reports_load_demo()
    assert (AuditEvent.objects.count(), Report.objects.count(), ReportTemplate.objects.count()) == before
