from django.contrib import admin

from .models import ClassGroup, Fee, Institution, InstitutionEvent, InstitutionMembership


class ClassGroupInline(admin.TabularInline):
    model = ClassGroup
    extra = 0


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
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
    # Status changes go through services.institution_transition, so they leave a timeline.
    readonly_fields = [
        "status",
        "filing_number",
        "filed_on",
        "deregistered_on",
        "capacity_total",
        "enrolled_total",
        "fee_from",
    ]
    inlines = [ClassGroupInline, FeeInline]
    list_select_related = ["unit"]


@admin.register(InstitutionMembership)
class InstitutionMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "institution"]
    raw_id_fields = ["user", "institution"]


@admin.register(InstitutionEvent)
class InstitutionEventAdmin(admin.ModelAdmin):
    list_display = ["institution", "from_status", "to_status", "by", "at"]
    readonly_fields = ["institution", "from_status", "to_status", "by", "at", "note"]
