"""The admin of subsidies: the rules and rates (a version is a row, in force from its date: a version
already in force is read-only, since a past period's lines name it; a change is a new version with a
later date), the year's budget and the subsidy profiles. Periods and entitlements are written by the
services (a status moves only through the workflow), read-only here."""

from django.contrib import admin

from tuoyu.core.admin import ReadOnlyAdmin, ReadOnlyInline
from tuoyu.core.workdays import beijing_today

from .models import Budget, Entitlement, EntitlementLine, Period, RuleSet, SubsidyProfile


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "name", "rate_infant", "rate_toddler", "rate_preschool", "count_day"]
    readonly_fields = ["created_by", "created_at"]

    def _in_force(self, obj) -> bool:
        return obj is not None and obj.pk is not None and obj.effective_from <= beijing_today()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_force(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_force(obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["year", "amount", "note", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(SubsidyProfile)
class SubsidyProfileAdmin(admin.ModelAdmin):
    list_display = ["institution", "investor_name", "investor_uscc", "state_premises", "rent_free_from"]
    search_fields = ["institution__name", "investor_name", "investor_uscc"]
    raw_id_fields = ["institution"]
    readonly_fields = ["updated_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["name", "start", "end", "status", "proposed_at"]
    list_filter = ["status"]


class EntitlementLineInline(ReadOnlyInline):
    model = EntitlementLine
    extra = 0
    # The child is shown by id: the names are on the commission's pages and Excel, not in the admin.
    fields = ["position", "kind", "child_id", "age_group", "months", "rate", "rule_set", "amount", "reason"]
    readonly_fields = fields


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ["period", "institution", "kind", "amount", "status", "nil_reason"]
    list_filter = ["period", "kind", "status"]
    search_fields = ["institution__name"]
    list_select_related = ["period", "institution"]
    inlines = [EntitlementLineInline]
