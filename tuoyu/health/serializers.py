"""Serializers of the health API: what each answer holds. A record's child appears with the masked ID
number only; an alert's cases outside the institution carry no names."""

# --- records ---
# Component names start with `HealthRecord`. The child: name, sex, birth date and the masked ID number,
# never the number; the report only as whether there is one (it is a file behind the page's access check).
from drf_spectacular.utils import extend_schema_field  # noqa: E402
from rest_framework import serializers  # noqa: E402

from tuoyu.bookings.models import Child  # noqa: E402

from .models import EntryResult, HealthRecord, VaccinationStatus  # noqa: E402
from .selectors.records import record_completeness  # noqa: E402


def _record_choice_field(choices, **kwargs):
    """A ChoiceField whose enum stays inline in the schema (shared enum names would collide)."""
    values = [value for value, _label in choices]
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(type("HealthRecordChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class HealthRecordErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(required=False, help_text="For 400: the messages per field")


class HealthRecordChildSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    sex = _record_choice_field(Child.Sex.choices, read_only=True)
    birth_date = serializers.DateField(read_only=True)
    masked_id_number = serializers.CharField(read_only=True)


class HealthRecordSummarySerializer(serializers.ModelSerializer):
    """A record on the list: who and where, and how complete; the health data only on the record itself,
    whose every read is written down."""

    child = HealthRecordChildSerializer(read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    complete = serializers.SerializerMethodField()
    missing_parts = serializers.SerializerMethodField()

    class Meta:
        model = HealthRecord
        fields = ["id", "child", "institution", "institution_name", "opened_at", "complete", "missing_parts"]
        read_only_fields = fields

    def get_complete(self, obj) -> bool:
        return record_completeness(obj).complete

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "enum": ["entry_check", "vaccination", "growth"]}}
    )
    def get_missing_parts(self, obj) -> list[str]:
        return list(record_completeness(obj).missing)


class HealthRecordSerializer(serializers.ModelSerializer):
    child = HealthRecordChildSerializer(read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    entry_check_result = _record_choice_field(EntryResult.choices, read_only=True)
    vaccination_status = _record_choice_field(VaccinationStatus.choices, read_only=True)
    has_entry_check_report = serializers.SerializerMethodField()
    complete = serializers.SerializerMethodField()
    missing_parts = serializers.SerializerMethodField()

    class Meta:
        model = HealthRecord
        fields = [
            "id",
            "child",
            "institution",
            "institution_name",
            "opened_at",
            "entry_check_on",
            "entry_check_hospital",
            "entry_check_result",
            "entry_check_note",
            "has_entry_check_report",
            "vaccination_checked_on",
            "vaccination_status",
            "missing_doses",
            "allergies",
            "special_needs",
            "family_doctor",
            "complete",
            "missing_parts",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_entry_check_report(self, obj) -> bool:
        return bool(obj.entry_check_report.name)

    def get_complete(self, obj) -> bool:
        return record_completeness(obj).complete

    @extend_schema_field(
        {"type": "array", "items": {"type": "string", "enum": ["entry_check", "vaccination", "growth"]}}
    )
    def get_missing_parts(self, obj) -> list[str]:
        return list(record_completeness(obj).missing)


# --- growth ---
# --- checks ---
# --- alerts ---


# --- summary ---
# Counts only, never a child: per institution, per street or town and for the district (selectors.summary).
class HealthSummaryFlagsSerializer(serializers.Serializer):
    """Children whose latest growth measurement carries the flag (WHO 2006 cut-offs)."""

    underweight = serializers.IntegerField(read_only=True)
    stunted = serializers.IntegerField(read_only=True)
    wasted = serializers.IntegerField(read_only=True)
    overweight = serializers.IntegerField(read_only=True)
    obese = serializers.IntegerField(read_only=True)


class HealthSummaryFiguresSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    institutions = serializers.IntegerField(read_only=True)
    enrolled = serializers.IntegerField(read_only=True, help_text="Children attending on the day")
    records = serializers.IntegerField(read_only=True, help_text="Of them, with a health record opened")
    complete = serializers.IntegerField(
        read_only=True,
        help_text="Of them, with a complete record: entry check with a result, vaccination certificate "
        "checked, at least one growth measurement",
    )
    rate = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        read_only=True,
        allow_null=True,
        help_text="complete ÷ enrolled in per cent (indicator 8); null when no child is enrolled",
    )
    checks = serializers.IntegerField(
        read_only=True, help_text="Morning and midday check entries in the 30 days ending on the day"
    )
    vaccination_gaps = serializers.IntegerField(read_only=True, help_text="Records with doses missing")
    flags = HealthSummaryFlagsSerializer(read_only=True)
    alerts_open = serializers.IntegerField(read_only=True, help_text="Outbreak alerts not closed")


class HealthSummaryUnitSerializer(HealthSummaryFiguresSerializer):
    unit_id = serializers.IntegerField(read_only=True)


class HealthSummaryInstitutionSerializer(HealthSummaryFiguresSerializer):
    institution_id = serializers.IntegerField(read_only=True)
    unit_id = serializers.IntegerField(read_only=True)
    unit_name = serializers.CharField(read_only=True)


class HealthSummarySerializer(serializers.Serializer):
    """Counts only, never a child."""

    on = serializers.DateField(read_only=True)
    unit_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="null: the district")
    total = HealthSummaryFiguresSerializer(read_only=True)
    units = HealthSummaryUnitSerializer(many=True, read_only=True)
    institutions = HealthSummaryInstitutionSerializer(many=True, read_only=True)


class HealthSummaryQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="A street or town; left out: the district"
    )
