"""Admin pages for plans: for looking things up, not for changing them.

Plans are created by confirming an import (``services.plan_import_confirm``), which
writes the audit rows; the admin shows plans and imports read-only so that nothing
bypasses the services.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.plans.models import Plan, PlanImport, PlanNode


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanNodeInline(admin.TabularInline[PlanNode, Plan]):
    model = PlanNode
    fields = ("position", "path", "kind", "title")
    readonly_fields = fields
    extra = 0
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "year", "status", "created_at"]
    list_filter = ["year", "status"]
    search_fields = ["title", "unit__name", "unit__code"]
    list_select_related = ["unit"]
    inlines = [PlanNodeInline]


@admin.register(PlanImport)
class PlanImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "unit", "year", "status", "created_by", "created_at"]
    list_filter = ["status", "year"]
    search_fields = ["file_name", "sha256", "unit__name", "unit__code"]
    list_select_related = ["unit", "created_by"]
    exclude = ["analysis"]
