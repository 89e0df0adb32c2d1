"""The province's consolidated report of a period, for the reform office, under ``/bao-cao/tong-hop/``.

* ``tong-hop/<template>/<year>/<index>/`` (``province``): completeness per cohort with
  the missing units, the totals of the accepted reports (each with its rule), plan
  progress by area, Biểu 06 of the window, the overdue tasks, and an editor per
  narrative section, prefilled with the units' texts gathered under their names (or
  the text the office saved), with the downloads.
* ``…/luu/`` (``province_save``, POST): save one section's text or the document's
  number through ``consolidation.province_report_save``; an HTMX request gets the
  saved block back, a plain POST is redirected to the page with a message.
* ``…/bao-cao.docx`` and ``…/so-lieu.xlsx``: the exports.

Who: ``province_report_policy`` on the template's requesting unit — "view" (reform
office, system administrator, leaders) for the page and the files, "manage" (reform
office, system administrator) to save. Anyone else, a template that does not exist, a
year it does not cover or a period it does not have: 404.
"""

from collections import defaultdict
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from cchc.core.errors import ApplicationError
from cchc.core.text import fold
from cchc.reports import exports
from cchc.reports.consolidation import (
    NUMBER_MAX_LENGTH,
    NarrativeSection,
    ProvinceData,
    province_narratives,
    province_report_data,
    province_report_save,
)
from cchc.reports.models import ProvinceReport, ReportTemplate
from cchc.reports.periods import period_months
from cchc.reports.policies import province_report_policy

NARRATIVE_MAX_LENGTH = 200_000


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class NarrativeForm(forms.Form):
    """One section's edited text; empty goes back to the units' texts."""

    section = forms.CharField(max_length=32, widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("Nội dung"), required=False, max_length=NARRATIVE_MAX_LENGTH, widget=forms.Textarea
    )


class NumberForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Số, ký hiệu văn bản"), required=False, max_length=NUMBER_MAX_LENGTH)


# -- fetching ---------------------------------------------------------------------------------


def _template_or_404(user: Any, template_id: int, year: int, period_index: int, action: str) -> ReportTemplate:
    """The template if ``user`` may ``action`` its consolidated report of that period; any other case is a 404."""
    template = ReportTemplate.objects.select_related("unit").filter(pk=template_id).first()
    if template is None:
        raise Http404
    probe = ProvinceReport(template=template, year=year, period_index=period_index)
    if not province_report_policy.user_can(user, action, probe) or not template.covers(year):
        raise Http404
    try:
        period_months(template.period_type, period_index)
    except ValueError as exc:
        raise Http404 from exc
    return template


def _partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _page_url(template: ReportTemplate, year: int, period_index: int) -> str:
    return reverse("reports:province", args=[template.pk, year, period_index])


# -- the page ---------------------------------------------------------------------------------


def _missing_by_cohort(data: ProvinceData) -> list[tuple[str, Any, list[str]]]:
    missing: dict[str, list[str]] = defaultdict(list)
    for row in data.completeness.units:
        if not row.received:
            for cohort in row.cohorts:
                missing[cohort].append(row.unit_name)
    return [(name, counts, missing.get(name, [])) for name, counts in sorted(data.completeness.cohorts.items())]


def _auto_id(code: str) -> str:
    """Unique element ids per section (several editors on one page); the field names stay plain."""
    return f"muc-{slugify(code.replace('.', '-')) or 'x'}-%s"


def _section_context(section: NarrativeSection, *, template: ReportTemplate, year: int, index: int) -> dict[str, Any]:
    return {
        "section": section,
        "form": NarrativeForm(initial={"section": section.code, "text": section.text}, auto_id=_auto_id(section.code)),
        "save_url": reverse("reports:province_save", args=[template.pk, year, index]),
        "block_id": _auto_id(section.code) % "block",
    }


@login_required
@require_safe
def province_page(request: HtmxHttpRequest, template_id: int, year: int, period_index: int) -> HttpResponse:
    """The consolidated report of a period: figures, lists, narrative editor, downloads."""
    template = _template_or_404(request.user, template_id, year, period_index, "view")
    data = province_report_data(template=template, year=year, period_index=period_index)
    probe = ProvinceReport(template=template, year=year, period_index=period_index)
    can_manage = province_report_policy.user_can(request.user, "manage", probe)
    context = {
        "data": data,
        "template": template,
        "info": data.info,
        "cohorts": _missing_by_cohort(data),
        "sections": [_section_context(s, template=template, year=year, index=period_index) for s in data.narratives],
        "number_form": NumberForm(initial={"number": data.number}),
        "save_url": reverse("reports:province_save", args=[template.pk, year, period_index]),
        "can_manage": can_manage,
        "docx_url": reverse("reports:province_docx", args=[template.pk, year, period_index]),
        "xlsx_url": reverse("reports:province_xlsx", args=[template.pk, year, period_index]),
    }
    response = render(request, "reports/province.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def province_save(request: HtmxHttpRequest, template_id: int, year: int, period_index: int) -> HttpResponse:
    """Save one narrative section (``section`` + ``text``) or the ``number``; the saved block back to HTMX."""
    template = _template_or_404(request.user, template_id, year, period_index, "manage")
    page = _page_url(template, year, period_index)
    if "number" in request.POST:
        return _save_number(request, template, year, period_index, page)
    sections = {s.code: s for s in province_narratives(template=template, year=year, period_index=period_index)}
    code = request.POST.get("section", "")
    if code not in sections:
        raise Http404
    form = NarrativeForm(request.POST, auto_id=_auto_id(code))
    notice = error = ""
    if form.is_valid():
        try:
            province_report_save(
                actor=request.user,
                template=template,
                year=year,
                period_index=period_index,
                narratives={code: form.cleaned_data["text"]},
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            notice = _("Đã lưu nội dung mục %(title)s.") % {"title": sections[code].title}
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if not _partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(f"{page}#{_auto_id(code) % 'block'}")
    fresh = {s.code: s for s in province_narratives(template=template, year=year, period_index=period_index)}
    context = _section_context(fresh[code], template=template, year=year, index=period_index)
    if error:
        context["form"] = form
    context.update(notice=notice, error=error, can_manage=True)
    response = render(request, "reports/partials/_province_narrative.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _save_number(
    request: HtmxHttpRequest, template: ReportTemplate, year: int, period_index: int, page: str
) -> HttpResponse:
    form = NumberForm(request.POST)
    notice = error = ""
    if form.is_valid():
        try:
            province_report_save(
                actor=request.user,
                template=template,
                year=year,
                period_index=period_index,
                number=form.cleaned_data["number"],
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            notice = _("Đã lưu số, ký hiệu văn bản.")
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if not _partial(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return redirect(page)
    shown = form if error else NumberForm(initial={"number": form.cleaned_data["number"]})
    context = {"number_form": shown, "save_url": request.path, "notice": notice, "error": error, "can_manage": True}
    response = render(request, "reports/partials/_province_number.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# -- downloads --------------------------------------------------------------------------------


def _attachment(data: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A private download named ``filename`` (Vietnamese), with an ASCII fallback (RFC 6266)."""
    stem, _dot, extension = filename.rpartition(".")
    fallback = f"{slugify(fold(stem)) or 'bao-cao'}.{extension}"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def _file_stem(data: ProvinceData) -> str:
    """ "Báo cáo tổng hợp CCHC quý I-2023" (no slash in a file name)."""
    return _("Báo cáo tổng hợp CCHC %(period)s") % {"period": data.info.label.replace("/", "-")}


@login_required
@require_safe
def province_docx(request: HttpRequest, template_id: int, year: int, period_index: int) -> HttpResponse:
    template = _template_or_404(request.user, template_id, year, period_index, "view")
    data = province_report_data(template=template, year=year, period_index=period_index)
    return _attachment(
        exports.province_report_docx(data, data.province_report),
        content_type=exports.DOCX_CONTENT_TYPE,
        filename=f"{_file_stem(data)}.docx",
    )


@login_required
@require_safe
def province_xlsx(request: HttpRequest, template_id: int, year: int, period_index: int) -> HttpResponse:
    template = _template_or_404(request.user, template_id, year, period_index, "view")
    data = province_report_data(template=template, year=year, period_index=period_index)
    return _attachment(
        exports.province_report_xlsx(data),
        content_type=exports.XLSX_CONTENT_TYPE,
        filename=f"{_file_stem(data)}.xlsx",
    )


_PERIOD = "tong-hop/<int:template_id>/<int:year>/<int:period_index>/"
urlpatterns: list[URLPattern] = [
    path(_PERIOD, province_page, name="province"),
    path(f"{_PERIOD}luu/", province_save, name="province_save"),
    path(f"{_PERIOD}bao-cao.docx", province_docx, name="province_docx"),
    path(f"{_PERIOD}so-lieu.xlsx", province_xlsx, name="province_xlsx"),
]
