from django.contrib import admin

from cchc.core.models import CalendarOverride


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    list_display = ["date", "kind", "source"]
    list_filter = ["kind"]
    search_fields = ["source", "note"]
    date_hierarchy = "date"
