"""The admin of grading: rubrics are readable, and editable only until an assessment stands on them (then
a change is a new version, loaded with manage.py load_rubric). Assessments, scores and events are
read-only: every write goes through services.py."""

from django.contrib import admin

from tuoyu.core.admin import ReadOnlyAdmin

from .models import Assessment, AssessmentEvent, DemonstrationUnit, Dimension, Rubric, RubricItem, Score


def _in_use(rubric) -> bool:
    return rubric is not None and rubric.pk is not None and rubric.assessments.exists()


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["code", "name", "points", "sort_order"]

    def has_change_permission(self, request, obj=None):
        return not _in_use(obj)

    def has_add_permission(self, request, obj=None):
        return not _in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return not _in_use(obj)


@admin.register(Rubric)
class RubricAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "standard", "active", "created_at"]
    inlines = [DimensionInline]

    def get_readonly_fields(self, request, obj=None):
        # A rubric in use keeps its rows as they were scored; a change is a new version.
        if _in_use(obj):
            return ["name", "standard", "version", "active", "bands"]
        return ["active"]  # activation goes through load_rubric, which keeps one rubric active

    def has_delete_permission(self, request, obj=None):
        return not _in_use(obj)


@admin.register(RubricItem)
class RubricItemAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "points", "is_basic", "dimension"]
    list_filter = ["dimension__rubric", "is_basic"]

    def _in_use(self, obj):
        return obj is not None and _in_use(obj.dimension.rubric)

    def get_readonly_fields(self, request, obj=None):
        if self._in_use(obj):
            return ["dimension", "code", "text", "points", "is_basic", "sort_order"]
        return []

    def has_delete_permission(self, request, obj=None):
        return not self._in_use(obj)


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["item", "points", "met", "scored_by", "scored_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["institution", "assessed_on", "status", "total", "grade", "vetoed", "published_at"]
    list_filter = ["status", "grade"]
    inlines = [ScoreInline]


@admin.register(AssessmentEvent)
class AssessmentEventAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "from_status", "to_status", "by", "at"]


@admin.register(DemonstrationUnit)
class DemonstrationUnitAdmin(ReadOnlyAdmin):
    list_display = ["institution", "year", "level", "title", "document_number", "recorded_at"]
    list_filter = ["level", "year"]
