"""The supervision API's shapes: plans, draws (with their verification), inspections, public results,
findings and rectification evidence.

Public shapes (draws, results) carry the published facts only; a result never carries the on-site
record (answers, notes, photos, signatures, the institution's signatory) nor the inspectors' names.
Component names start with `Inspection` so they never collide with another app's in the schema.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import (
    Draw,
    Finding,
    FindingStatus,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    PlanStatus,
    Rectification,
    Result,
    Severity,
)
from .selectors.public import department_names


def local_choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField whose enum stays inline in the schema (the device of filings/serializers.py, copied
    because an app imports no other service app): shared `status` enums would collide."""
    values = [value for value, _label in choices]
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(type("LocalChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class InspectionErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(
        required=False, help_text="For 400: the messages per field (`non_field_errors` for the whole)"
    )


# --- plans and draws -------------------------------------------------------------------------------


class InspectionDrawSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Draw
        fields = ["id", "number", "drawn_at", "superseded_at", "superseded_reason"]
        read_only_fields = fields


class InspectionPlanSerializer(serializers.ModelSerializer):
    status = local_choice_field(PlanStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    lead_department = serializers.StringRelatedField(read_only=True)
    departments = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    checklist = serializers.SerializerMethodField()
    draws = InspectionDrawSummarySerializer(many=True, read_only=True)

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "title",
            "status",
            "status_display",
            "lead_department",
            "departments",
            "unit",
            "period_start",
            "period_end",
            "domains",
            "checklist",
            "sample_percent",
            "sample_size",
            "inspectors_per_inspection",
            "draws",
            "created_at",
        ]
        read_only_fields = fields

    def get_departments(self, plan) -> list[str]:
        return [str(d) for d in plan.departments.all()]

    def get_unit(self, plan) -> str | None:
        return plan.unit.name if plan.unit_id else None

    def get_checklist(self, plan) -> list[str]:
        """The codes of the items checked (the items themselves are district data)."""
        return [item.code for item in plan.checklist.all()]


class InspectionDrawSerializer(serializers.ModelSerializer):
    """A draw as published: everything needed to re-run it without our code."""

    plan_title = serializers.CharField(source="plan.title", read_only=True)
    per_inspection = serializers.IntegerField(source="inspectors_per_inspection", read_only=True)
    institutions = serializers.JSONField(source="institution_list", read_only=True)
    inspectors = serializers.JSONField(source="inspector_list", read_only=True)
    links = serializers.JSONField(read_only=True)
    # A draw with experts ("sha256-rank/2"): how many per inspection, the experts [{code, name, field,
    # unit}] by code (never a mobile number) and their recusals [[code, institution id]]; 0 and [] else.
    experts_per_inspection = serializers.IntegerField(read_only=True)
    experts = serializers.JSONField(source="expert_list", read_only=True)
    expert_links = serializers.JSONField(read_only=True)
    result = serializers.JSONField(read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Draw
        fields = [
            "id",
            "plan",
            "plan_title",
            "number",
            "algorithm",
            "seed",
            "sample_count",
            "per_inspection",
            "institutions",
            "inspectors",
            "links",
            "experts_per_inspection",
            "experts",
            "expert_links",
            "result",
            "drawn_at",
            "is_current",
            "superseded_at",
            "superseded_reason",
        ]
        read_only_fields = fields


class InspectionDrawVerifySerializer(serializers.Serializer):
    matches = serializers.BooleanField(help_text="Re-running the published inputs gives the stored result")
    result = serializers.JSONField(help_text="The result of re-running the draw now (empty if it cannot run)")
    stored = serializers.JSONField(help_text="The result stored when the draw was made")


# --- inspections and findings (signed in) ----------------------------------------------------------


class InspectionSerializer(serializers.ModelSerializer):
    status = local_choice_field(InspectionStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    result = local_choice_field([("", ""), *Result.choices], read_only=True)
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    findings_total = serializers.IntegerField(read_only=True)
    findings_open = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "plan",
            "plan_title",
            "draw",
            "institution",
            "institution_name",
            "status",
            "status_display",
            "inspected_on",
            "result",
            "summary",
            "submitted_at",
            "publish_due_on",
            "published_at",
            "findings_total",
            "findings_open",
        ]
        read_only_fields = fields


class InspectionFindingSerializer(serializers.ModelSerializer):
    status = local_choice_field(FindingStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    severity = local_choice_field(Severity.choices, read_only=True)
    item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    institution = serializers.IntegerField(source="inspection.institution_id", read_only=True)
    institution_name = serializers.CharField(source="inspection.institution.name", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "inspection",
            "institution",
            "institution_name",
            "item",
            "description",
            "severity",
            "deadline",
            "status",
            "status_display",
            "escalated_at",
            "rectified_at",
            "created_at",
        ]
        read_only_fields = fields


class InspectionRectificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rectification
        fields = [
            "id",
            "finding",
            "note",
            "file_kind",
            "original_name",
            "size",
            "submitted_at",
            "decision",
            "decision_note",
            "decided_at",
        ]
        read_only_fields = fields


class InspectionEvidenceSerializer(serializers.Serializer):
    """The institution's evidence: what was done, and a photo or a PDF (multipart)."""

    note = serializers.CharField(max_length=2000)
    file = serializers.FileField(required=False, allow_empty_file=False)


# --- public results (一公开) -----------------------------------------------------------------------


class InspectionResultInstitutionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    filing_number = serializers.CharField()
    unit = serializers.CharField(allow_null=True)


class InspectionSeveritySerializer(serializers.Serializer):
    minor = serializers.IntegerField(help_text="一般")
    major = serializers.IntegerField(help_text="较重")
    serious = serializers.IntegerField(help_text="严重")


class InspectionRectificationStatusSerializer(serializers.Serializer):
    rectified = serializers.IntegerField(help_text="Put right")
    open = serializers.IntegerField(help_text="Still to be put right, within the deadline")
    overdue = serializers.IntegerField(help_text="Past the deadline and not put right")


class InspectionSuspensionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    since = serializers.DateField()


class InspectionResultSerializer(serializers.ModelSerializer):
    """A published result: the public facts only (rows from selectors.public.with_public_facts)."""

    result = local_choice_field(Result.choices, read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    departments = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()
    rectification = serializers.SerializerMethodField()
    suspension = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "inspected_on",
            "published_at",
            "plan_title",
            "departments",
            "institution",
            "result",
            "result_display",
            "findings",
            "rectification",
            "suspension",
        ]
        read_only_fields = fields

    def get_departments(self, row) -> list[str]:
        return department_names(row)

    @extend_schema_field(InspectionResultInstitutionSerializer)
    def get_institution(self, row) -> dict:
        institution = row.institution
        return {
            "id": institution.pk,
            "name": institution.name,
            "filing_number": institution.filing_number,
            "unit": institution.unit.name if institution.unit_id else None,
        }

    @extend_schema_field(InspectionSeveritySerializer)
    def get_findings(self, row) -> dict:
        return {"minor": row.findings_minor, "major": row.findings_major, "serious": row.findings_serious}

    @extend_schema_field(InspectionRectificationStatusSerializer)
    def get_rectification(self, row) -> dict:
        return {
            "rectified": row.findings_rectified,
            "open": row.findings_open,
            "overdue": row.findings_overdue,
        }

    @extend_schema_field(InspectionSuspensionSerializer(allow_null=True))
    def get_suspension(self, row) -> dict | None:
        if not row.suspension_reason:
            return None
        return {"reason": row.suspension_reason, "since": row.suspension_since}
