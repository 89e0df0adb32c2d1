"""Admin for units and cohorts. Saves go through the services, so they are audited."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cchc.organizations.models import Cohort, OrgUnit
from cchc.organizations.services import (
    UNIT_FIELDS,
    cohort_set_members,
    cohort_upsert,
    unit_create,
    unit_set_successors,
    unit_update,
)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin[OrgUnit]):
    list_display = ["code", "name", "kind", "parent", "statistical_code", "valid_from", "valid_to"]
    list_filter = ["kind", "cohorts"]
    search_fields = ["code", "name", "short_name", "statistical_code"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["successors"]
    fields = [*UNIT_FIELDS, "successors"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Units end with valid_to and successors; deleting would orphan history.
        return False

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in UNIT_FIELDS if name in form.cleaned_data}
        if change:
            fresh = OrgUnit.objects.get(pk=obj.pk)
            saved = unit_update(actor=request.user, unit=fresh, **data)
        else:
            saved = unit_create(actor=request.user, **data)
        obj.pk, obj.path = saved.pk, saved.path

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        unit = OrgUnit.objects.get(pk=form.instance.pk)
        unit_set_successors(actor=request.user, unit=unit, successors=form.cleaned_data.get("successors", []))


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin[Cohort]):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]
    fields = ["code", "name", "description", "members"]

    def save_model(self, request: HttpRequest, obj: Cohort, form: Any, change: bool) -> None:
        saved = cohort_upsert(actor=request.user, code=obj.code, name=obj.name, description=obj.description)
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        cohort = Cohort.objects.get(pk=form.instance.pk)
        cohort_set_members(actor=request.user, cohort=cohort, units=form.cleaned_data.get("members", []))
