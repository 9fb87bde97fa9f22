"""The admin of the workforce: what is data is edited here (certificate kinds, which kinds count for which
post, the staffing standard with its ratios and health staff rules, the yearly training hours), loaded
first by `manage.py load_workforce_rules`. A standard already in effect is read-only: a check on a past day
must keep that day's rules, so a change is a new standard with a later date. Staff, certificates, courses,
experts and reminders are rows the services write, read-only here; the ID number is shown masked only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tuoyu.core.admin import ReadOnlyAdmin, ReadOnlyInline
from tuoyu.core.workdays import beijing_today

from .models import (
    Certificate,
    CertificateKind,
    Course,
    CourseEnrolment,
    Expert,
    ExpiryReminder,
    HealthStaffRule,
    PostCertification,
    RatioRule,
    StaffingStandard,
    StaffMember,
    TrainingRequirement,
)


@admin.register(CertificateKind)
class CertificateKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "level", "validity_months", "active", "sort_order"]
    list_filter = ["category", "active"]
    search_fields = ["name", "code"]

    def has_delete_permission(self, request, obj=None):
        # A kind someone holds stays (PROTECT); retire it with "in use" instead.
        return obj is None or not obj.certificates.exists()


@admin.register(PostCertification)
class PostCertificationAdmin(admin.ModelAdmin):
    list_display = ["post", "kind"]
    list_filter = ["post"]


def _in_effect(standard) -> bool:
    return standard is not None and standard.pk is not None and standard.effective_from <= beijing_today()


class _StandardRuleInline(admin.TabularInline):
    extra = 0

    def has_change_permission(self, request, obj=None):
        return not _in_effect(obj)

    def has_add_permission(self, request, obj=None):
        return not _in_effect(obj)

    def has_delete_permission(self, request, obj=None):
        return not _in_effect(obj)


class RatioRuleInline(_StandardRuleInline):
    model = RatioRule


class HealthStaffRuleInline(_StandardRuleInline):
    model = HealthStaffRule


@admin.register(StaffingStandard)
class StaffingStandardAdmin(admin.ModelAdmin):
    list_display = ["name", "effective_from", "part_time_weight", "health_check_valid_months"]
    inlines = [RatioRuleInline, HealthStaffRuleInline]

    def has_change_permission(self, request, obj=None):
        return not _in_effect(obj)

    def has_delete_permission(self, request, obj=None):
        return not _in_effect(obj)


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(admin.ModelAdmin):
    list_display = ["effective_year", "post", "hours"]


class CertificateInline(ReadOnlyInline):
    model = Certificate
    fields = ["kind", "number", "issuer", "issued_on", "expires_on"]
    readonly_fields = fields


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "institution", "post", "employment", "started_on", "ended_on"]
    list_filter = ["post", "employment"]
    search_fields = ["name", "institution__name"]
    list_select_related = ["institution"]
    # Never the ID number itself, nor its blind index.
    fields = [
        "institution",
        "name",
        "masked_id",
        "post",
        "employment",
        "started_on",
        "ended_on",
        "class_group",
        "background_checked_on",
        "health_checked_on",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [CertificateInline]

    @admin.display(description=_("ID number"))
    def masked_id(self, obj):
        return obj.masked_id_number


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "starts_on", "hours", "capacity", "enrolled", "status"]
    list_filter = ["kind", "status"]


@admin.register(CourseEnrolment)
class CourseEnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["course", "staff", "attended", "hours"]
    list_select_related = ["course", "staff"]


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "field", "title", "unit", "active"]
    list_filter = ["field", "active"]
    search_fields = ["code", "name", "unit"]


@admin.register(ExpiryReminder)
class ExpiryReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "staff", "item", "expires_on", "days_before"]
    list_select_related = ["staff"]
