"""Admin for the working-day overrides; every save and delete goes through the services."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from cchc.core.errors import ApplicationError
from cchc.core.models import CalendarOverride
from cchc.core.services import calendar_override_delete, calendar_override_upsert


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["date", "kind", "source"]
    list_filter = ["kind"]
    search_fields = ["source", "note"]
    date_hierarchy = "date"
    fields = ["date", "kind", "source", "note"]

    def save_model(self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool) -> None:
        try:
            saved = calendar_override_upsert(
                actor=request.user, date=obj.date, kind=obj.kind, source=obj.source, note=obj.note
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        calendar_override_delete(actor=request.user, override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for override in queryset:
            calendar_override_delete(actor=request.user, override=override)
