from typing import Any

from django.contrib import admin

from cchc.indicators.models import Indicator, IndicatorSet, IndicatorValue


class _ReadOnly(admin.ModelAdmin[Any]):
    """Read-only: sets are replaced by a new dated set (docs/indicators.md) and values go through
    ``indicator_value_set`` (which writes the audit row); editing here would bypass both."""

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class IndicatorInline(admin.TabularInline[Indicator, IndicatorSet]):
    model = Indicator
    fields = ("order", "code", "group", "name", "max_points", "target", "source", "formula")
    extra = 0

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(IndicatorSet)
class IndicatorSetAdmin(_ReadOnly):
    list_display = ("code", "legal_basis", "effective_from", "effective_to")
    inlines = (IndicatorInline,)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(_ReadOnly):
    list_display = ("year", "month", "indicator", "unit", "value", "entered_by", "updated_at")
    list_filter = ("year", "month", "indicator__indicator_set")
    search_fields = ("unit__code", "unit__name")
