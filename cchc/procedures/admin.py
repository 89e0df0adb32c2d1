from django.contrib import admin

from cchc.procedures.models import Procedure


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    """Read-mostly: the admin is for looking things up. Changes go through the
    import (which writes audit rows); editing here bypasses the audit log."""

    list_display = ("code", "name", "field", "level", "time_limit_days", "online_level")
    list_filter = ("level", "online_level", "field")
    search_fields = ("code", "name", "search_text")
    filter_horizontal = ("units",)
    readonly_fields = ("search_text", "created_at", "updated_at")

    def has_change_permission(self, request: object, obj: Procedure | None = None) -> bool:
        return False

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: Procedure | None = None) -> bool:
        return False
