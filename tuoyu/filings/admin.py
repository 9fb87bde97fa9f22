from django.contrib import admin

from tuoyu.core.admin import ReadOnlyAdmin

from .models import CoordinationCase, Filing, FilingEvent, Notice, SemesterReport


class FilingEventInline(admin.TabularInline):
    model = FilingEvent
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "version", "note"]
    readonly_fields = fields
    can_delete = False


@admin.register(Filing)
class FilingAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "applicant",
        "institution",
        "submitted_at",
        "due_on",
        "filing_number",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["filing_number", "applicant__username", "institution__name"]
    list_select_related = ["applicant", "institution"]
    inlines = [FilingEventInline]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["published_at", "kind", "institution_name", "filing_number", "unit_name"]
    list_filter = ["kind"]


@admin.register(CoordinationCase)
class CoordinationCaseAdmin(ReadOnlyAdmin):
    list_display = ["title", "domain", "status", "deadline", "opened_at"]
    list_filter = ["status", "domain"]


@admin.register(SemesterReport)
class SemesterReportAdmin(ReadOnlyAdmin):
    list_display = ["institution", "semester", "class_count", "children", "staff", "submitted_at"]
    list_filter = ["semester"]
