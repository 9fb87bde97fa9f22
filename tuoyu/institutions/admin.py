from django.contrib import admin

# The register is written only by institutions.services (institution_create, institution_apply_change,
# institution_transition): they validate the whole record, keep the totals the public sees (capacity,
# enrolled, the lowest fee) in step with the classes and fees, and leave the audit trail and the timeline.
# The admin shows the rows; a change to them is a filed change (变更) through filing review.
from tuoyu.core.admin import ReadOnlyAdminMixin

from .models import ClassGroup, Fee, Institution, InstitutionEvent, InstitutionMembership


class ClassGroupInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ClassGroup
    extra = 0


class FeeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Fee
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "unit",
        "type",
        "is_puhui",
        "status",
        "filing_number",
        "capacity_total",
        "enrolled_total",
    ]
    list_filter = ["status", "type", "ownership", "is_puhui"]
    search_fields = ["name", "uscc", "filing_number"]
    raw_id_fields = ["unit"]
    inlines = [ClassGroupInline, FeeInline]
    list_select_related = ["unit"]


@admin.register(InstitutionMembership)
class InstitutionMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "institution"]
    raw_id_fields = ["user", "institution"]


@admin.register(InstitutionEvent)
class InstitutionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # The timeline is written by the workflow's transition only; editing it would rewrite history.
    list_display = ["institution", "from_status", "to_status", "by", "at"]
