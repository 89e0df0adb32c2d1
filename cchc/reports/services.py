"""Every write of periodic reports: open (with prefill), save, submit, return, accept, lock exceptions.

Each service runs in one transaction, re-checks the policy, validates with Vietnamese
messages (``ApplicationError``; form errors in ``extra["errors"]``, each naming the
section and field), and writes the audit row. The workflow is ``REPORT_TRANSITIONS``:
draft → submitted → returned (with reason) / accepted; a returned report is sent again.
A unit cannot write a period that is locked (``selectors.report_lock_state`` says why).
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.organizations.models import OrgUnit
from cchc.reports import forms_schema, prefill
from cchc.reports.models import REPORT_TRANSITIONS, LockException, Report, ReportStatus, ReportTemplate
from cchc.reports.policies import report_policy, template_policy
from cchc.reports.selectors import expected_units, period_info, report_lock_state


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def _stored(value: Any) -> Any:
    """A JSON-safe form of a typed answer: Decimals as strings (exact), the rest as is."""
    return str(value) if isinstance(value, Decimal) else value


def _transition(report: Report, target: str) -> None:
    if target not in REPORT_TRANSITIONS[report.status]:
        raise ApplicationError(
            _("Không thể chuyển báo cáo từ '%(old)s' sang '%(new)s'.")
            % {"old": ReportStatus(report.status).label, "new": ReportStatus(target).label},
            code="reports.transition",
        )


def _require_writable(report: Report, today: dt.date | None = None) -> None:
    state = report_lock_state(report, today=today)
    if state.locked:
        raise ApplicationError(state.reason, code="reports.locked")


def report_open(
    *, actor: Any, template: ReportTemplate, unit: OrgUnit, year: int, period_index: int, today: dt.date | None = None
) -> Report:
    """The unit's report of a period, created as a draft prefilled from live data when it does not exist yet.

    The unit must be assigned to the template for that period; the template must cover
    the year. Opening an existing report returns it unchanged (use
    :func:`report_refresh_prefill` to take the live figures again).
    """
    if not template.covers(year):
        raise ApplicationError(
            _("Mẫu báo cáo %(name)s không áp dụng cho năm %(year)d.") % {"name": template.name, "year": year},
            code="reports.template_year",
        )
    info = period_info(template, year, period_index)
    probe = Report(template=template, unit=unit, year=year, period_index=period_index)
    _require(report_policy.user_can(actor, "write", probe), _("Bạn không có quyền lập báo cáo của đơn vị này."))
    if not expected_units(template, info).filter(pk=unit.pk).exists():
        raise ApplicationError(
            _("Đơn vị %(unit)s không được giao báo cáo này trong kỳ %(period)s.")
            % {"unit": unit.name, "period": info.label},
            code="reports.not_assigned",
        )
    with transaction.atomic():
        report, created = Report.objects.select_for_update(of=("self",)).get_or_create(
            template=template, unit=unit, year=year, period_index=period_index
        )
        if created:
            _require_writable(report, today)
            _apply_prefill(report, overwrite=True)
            report.save(update_fields=["values", "sources", "updated_at"])
            audit_record(
                actor=actor,
                action="report.open",
                obj=report,
                unit=unit,
                changes={"prefilled": [None, sorted(report.sources)]},
            )
    return report


def _apply_prefill(report: Report, *, overwrite: bool) -> None:
    info = period_info(report.template, report.year, report.period_index)
    figures = prefill.prefill_values(
        form=report.template.form, unit=report.unit, date_from=info.window_from, date_to=info.window_to
    )
    for code, figure in figures.items():
        if overwrite or code not in report.values or report.values.get(code) in (None, ""):
            report.values[code] = _stored(figure.value)
            report.sources[code] = figure.as_json()


def report_refresh_prefill(*, actor: Any, report: Report, today: dt.date | None = None) -> Report:
    """Take the live figures again for every prefilled field (typed values of other fields stay)."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("template", "unit").get(pk=report.pk)
        _require(report_policy.user_can(actor, "write", report), _("Bạn không có quyền sửa báo cáo này."))
        _require_writable(report, today)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise ApplicationError(_("Báo cáo đã gửi; không cập nhật số liệu được."), code="reports.not_editable")
        before = snapshot(report, ["values"])
        _apply_prefill(report, overwrite=True)
        report.save(update_fields=["values", "sources", "updated_at"])
        audit_record(
            actor=actor, action="report.refresh", obj=report, unit=report.unit,
            changes=diff(before, snapshot(report, ["values"])),
        )  # fmt: skip
    return report


def report_save(
    *,
    actor: Any,
    report: Report,
    answers: Mapping[str, Any],
    narratives: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> Report:
    """Save a draft (or returned) report's answers and narratives; typed, range-checked, not yet complete.

    Type and range errors refuse the save (``ApplicationError`` with every located error);
    missing required answers and cross-field rules are checked at submission. A field
    typed over a prefilled figure keeps the source and records that it was edited.
    """
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("template", "unit").get(pk=report.pk)
        _require(report_policy.user_can(actor, "write", report), _("Bạn không có quyền sửa báo cáo này."))
        _require_writable(report, today)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise ApplicationError(
                _("Báo cáo đang ở trạng thái '%(status)s'; không sửa được.")
                % {"status": ReportStatus(report.status).label},
                code="reports.not_editable",
            )
        form = report.template.form
        values, errors = forms_schema.validate(form, (), answers)
        errors = [e for e in errors if e.message != "bắt buộc phải nhập"]
        if errors:
            raise ApplicationError(
                _("Báo cáo có %(n)d lỗi: %(first)s") % {"n": len(errors), "first": errors[0]},
                code="reports.invalid",
                extra={"errors": [str(e) for e in errors]},
            )
        before = snapshot(report, ["values", "narratives"])
        known = forms_schema.fields_of(form)
        stored = {code: _stored(value) for code, value in values.items() if code in known}
        for code, source in report.sources.items():
            if code in stored and str(stored[code]) != str(source.get("value")):
                source["edited"] = True
            elif code in stored:
                source["edited"] = False
        report.values = stored
        if narratives is not None:
            sections = {section["code"] for section in form}
            report.narratives = {code: text.strip() for code, text in narratives.items() if code in sections}
        report.save(update_fields=["values", "narratives", "sources", "updated_at"])
        audit_record(
            actor=actor, action="report.save", obj=report, unit=report.unit,
            changes=diff(before, snapshot(report, ["values", "narratives"])),
        )  # fmt: skip
    return report


def report_submit(*, actor: Any, report: Report, today: dt.date | None = None) -> Report:
    """Send the report to the reform office: every rule must hold (required, ranges, cross-field)."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("template", "unit").get(pk=report.pk)
        _require(report_policy.user_can(actor, "write", report), _("Bạn không có quyền gửi báo cáo này."))
        _require_writable(report, today)
        _transition(report, ReportStatus.SUBMITTED)
        _values, errors = forms_schema.validate(report.template.form, report.template.rules, report.values)
        if errors:
            raise ApplicationError(
                _("Chưa gửi được: báo cáo có %(n)d lỗi: %(first)s") % {"n": len(errors), "first": errors[0]},
                code="reports.invalid",
                extra={"errors": [str(e) for e in errors]},
            )
        before = snapshot(report, ["status"])
        report.status = ReportStatus.SUBMITTED
        if report.submitted_at is None:  # the first sending decides timeliness
            report.submitted_at = timezone.now()
        report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
        audit_record(
            actor=actor, action="report.submit", obj=report, unit=report.unit,
            changes=diff(before, snapshot(report, ["status"])),
        )  # fmt: skip
    return report


def _review(*, actor: Any, report: Report, target: str, reason: str, action: str) -> Report:
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("template", "unit").get(pk=report.pk)
        _require(report_policy.user_can(actor, "review", report), _("Bạn không có quyền xem xét báo cáo này."))
        _transition(report, target)
        before = snapshot(report, ["status", "return_reason"])
        report.status = target
        report.return_reason = reason
        report.reviewed_at = timezone.now()
        report.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
        report.save(update_fields=["status", "return_reason", "reviewed_at", "reviewed_by", "updated_at"])
        audit_record(
            actor=actor, action=action, obj=report, unit=report.unit,
            changes=diff(before, snapshot(report, ["status", "return_reason"])),
        )  # fmt: skip
    return report


def report_return(*, actor: Any, report: Report, reason: str) -> Report:
    """Return a submitted report to its unit, with the reason (required)."""
    if not reason.strip():
        raise ApplicationError(_("Trả lại báo cáo phải ghi rõ lý do."), code="reports.reason_missing")
    return _review(
        actor=actor, report=report, target=ReportStatus.RETURNED, reason=reason.strip(), action="report.return"
    )


def report_accept(*, actor: Any, report: Report) -> Report:
    """Accept a submitted report: it is locked for the unit from now on."""
    return _review(actor=actor, report=report, target=ReportStatus.ACCEPTED, reason="", action="report.accept")


def lock_exception_grant(
    *,
    actor: Any,
    template: ReportTemplate,
    unit: OrgUnit,
    year: int,
    period_index: int,
    until: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> LockException:
    """Reopen a locked period for one unit until ``until`` (inclusive), for a stated reason."""
    _require(template_policy.user_can(actor, "manage", template), _("Bạn không có quyền mở khóa kỳ báo cáo."))
    today = today or timezone.localdate()
    if not reason.strip():
        raise ApplicationError(_("Mở khóa phải ghi rõ lý do."), code="reports.reason_missing")
    if until < today:
        raise ApplicationError(
            _("Ngày hết hạn mở khóa %(until)s đã qua.") % {"until": f"{until:%d/%m/%Y}"}, code="reports.until_past"
        )
    info = period_info(template, year, period_index)
    if not expected_units(template, info).filter(pk=unit.pk).exists():
        raise ApplicationError(
            _("Đơn vị %(unit)s không được giao báo cáo này.") % {"unit": unit.name}, code="reports.not_assigned"
        )
    with transaction.atomic():
        exception = LockException.objects.create(
            template=template,
            unit=unit,
            year=year,
            period_index=period_index,
            until=until,
            reason=reason.strip(),
            granted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor, action="report.lock_exception", obj=exception, unit=unit,
            changes={"until": [None, until.isoformat()], "reason": [None, exception.reason]},
        )  # fmt: skip
    return exception
