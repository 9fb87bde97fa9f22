"""Supervision in the admin. The district's data is edited here: the checklist, the inspector roster and
the declared links (回避). The workflow rows (plans, draws, inspections, findings, rectifications,
suspensions and their events) change only through their services, so the admin only shows them: a draw
above all must stay exactly as published."""

from django.contrib import admin

from tuoyu.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    ChecklistAnswer,
    ChecklistItem,
    Draw,
    Finding,
    FindingEvent,
    Inspection,
    InspectionEvent,
    InspectionPhoto,
    InspectionPlan,
    Inspector,
    InspectorLink,
    PlanEvent,
    Rectification,
    Signature,
    Suspension,
)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["code", "domain", "text", "severity", "rectify_days", "auto_rule", "active"]
    list_filter = ["domain", "severity", "active"]
    search_fields = ["code", "text", "basis"]


class InspectorLinkInline(admin.TabularInline):
    model = InspectorLink
    extra = 0
    fields = ["institution", "reason", "declared_by", "declared_at"]
    readonly_fields = ["declared_by", "declared_at"]
    raw_id_fields = ["institution"]


@admin.register(Inspector)
class InspectorAdmin(admin.ModelAdmin):
    list_display = ["certificate_number", "name", "department", "active"]
    list_filter = ["department", "active"]
    search_fields = ["certificate_number", "name", "user__username"]
    list_select_related = ["department"]
    raw_id_fields = ["user"]
    inlines = [InspectorLinkInline]

    def save_formset(self, request, form, formset, change):
        # A link declared here is declared by the administrator who saves it.
        for link in formset.save(commit=False):
            if not link.declared_by_id:
                link.declared_by = request.user
            link.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()


@admin.register(InspectorLink)
class InspectorLinkAdmin(admin.ModelAdmin):
    list_display = ["inspector", "institution", "reason", "declared_by", "declared_at"]
    search_fields = ["inspector__name", "inspector__certificate_number", "institution__name"]
    list_select_related = ["inspector", "institution", "declared_by"]
    raw_id_fields = ["inspector", "institution"]
    readonly_fields = ["declared_by", "declared_at"]

    def save_model(self, request, obj, form, change):
        if not obj.declared_by_id:
            obj.declared_by = request.user
        super().save_model(request, obj, form, change)


class PlanEventInline(ReadOnlyInline):
    model = PlanEvent
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "lead_department", "period_start", "period_end", "status"]
    list_filter = ["status", "lead_department"]
    search_fields = ["title"]
    list_select_related = ["lead_department"]
    inlines = [PlanEventInline]


@admin.register(Draw)
class DrawAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "algorithm", "seed", "sample_count", "drawn_at", "superseded_at"]
    list_select_related = ["plan"]
    search_fields = ["plan__title", "seed"]


class InspectionEventInline(ReadOnlyInline):
    model = InspectionEvent
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "plan", "institution", "status", "inspected_on", "result", "published_at"]
    list_filter = ["status", "result"]
    search_fields = ["institution__name", "plan__title"]
    list_select_related = ["plan", "institution"]
    inlines = [InspectionEventInline]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "inspector", "name", "signed_at"]
    list_select_related = ["inspection", "inspector"]


@admin.register(ChecklistAnswer)
class ChecklistAnswerAdmin(ReadOnlyAdmin):
    list_display = ["inspection", "item", "answer", "automatic", "answered_at"]
    list_filter = ["answer", "automatic"]
    list_select_related = ["inspection", "item"]


@admin.register(InspectionPhoto)
class InspectionPhotoAdmin(ReadOnlyAdmin):
    # The file itself is private: served only after the access check of the inspection's pages.
    list_display = ["inspection", "answer", "file_kind", "size", "uploaded_at"]
    exclude = ["file"]


class FindingEventInline(ReadOnlyInline):
    model = FindingEvent
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdmin):
    list_display = ["id", "inspection", "severity", "deadline", "status", "escalated_at", "rectified_at"]
    list_filter = ["status", "severity"]
    list_select_related = ["inspection"]
    inlines = [FindingEventInline]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = ["finding", "submitted_at", "decision", "decided_at"]
    list_filter = ["decision"]
    exclude = ["file"]


@admin.register(Suspension)
class SuspensionAdmin(ReadOnlyAdmin):
    list_display = ["institution", "filing_number", "starts_on", "lifted_at"]
    list_select_related = ["institution"]
