"""Serializers of the health API: what each answer holds. A record's child appears with the masked ID
number only; an alert's cases outside the institution carry no names."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tuoyu.bookings.models import Child

from .growth import Flag as GrowthFlag
from .models import (
    AbsenceReason,
    AlertStatus,
    Attendance,
    EntryResult,
    HealthRecord,
    Measurement,
    Session,
    Symptom,
    VaccinationStatus,
)
from .selectors.records import record_completeness

# --- records ---
# Component names start with `HealthRecord`. The child: name, sex, birth date and the masked ID number,
# never the number; the report only as whether there is one (it is a file behind the page's access check).


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
# Component names start with `HealthMeasurement`. Measurements go in as weight, length or height, the
# position and the head; the z-scores and flags come out, computed by the service (WHO 2006, growth.py).


class HealthMeasurementErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(
        required=False, help_text="For 400 and 409: the messages per field (`non_field_errors` for the whole)"
    )


class HealthMeasurementSerializer(serializers.ModelSerializer):
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=GrowthFlag.choices),
        read_only=True,
        help_text="The WHO cut-offs crossed: underweight (WAZ < −2), stunted (LAZ < −2), wasted (WLZ < −2), "
        "overweight (+2 < WLZ ≤ +3), obese (WLZ > +3)",
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "record",
            "measured_on",
            "age_days",
            "weight_kg",
            "length_cm",
            "lying",
            "head_cm",
            "waz",
            "laz",
            "wlz",
            "baz",
            "hcz",
            "flags",
            "created_at",
        ]
        read_only_fields = fields


class HealthMeasurementCreateSerializer(serializers.Serializer):
    measured_on = serializers.DateField()
    weight_kg = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0)
    length_cm = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=0, help_text="Length lying down, or height standing"
    )
    lying = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Measured lying down. Left out: lying under 2 years, standing from 2 (as the WHO measures)",
    )
    head_cm = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=0, required=False, allow_null=True, default=None
    )


# --- checks ---
# Component names start with `HealthCheck`. A class's sheet for one day and check: the children enrolled
# that day (named: only the class's own health staff read it) with their check, if recorded. A save sends
# the rows of the children checked; everything is checked before anything is stored.


class HealthCheckQuerySerializer(serializers.Serializer):
    day = serializers.DateField(required=False, help_text="YYYY-MM-DD; today when left out")
    session = _record_choice_field(Session.choices, required=False, help_text="morning when left out")


class HealthCheckRowSerializer(serializers.Serializer):
    child = serializers.IntegerField(source="child_id", read_only=True)
    name = serializers.CharField(read_only=True)
    sex = _record_choice_field(Child.Sex.choices, read_only=True)
    age_months = serializers.IntegerField(read_only=True)
    checked = serializers.SerializerMethodField(help_text="Whether this check is recorded for the child")
    attendance = serializers.SerializerMethodField()
    absence_reason = serializers.SerializerMethodField()
    symptoms = serializers.SerializerMethodField()
    temperature = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    def get_checked(self, row) -> bool:
        return row.check is not None

    @extend_schema_field({"type": "string", "enum": Attendance.values, "nullable": True})
    def get_attendance(self, row):
        return row.check.attendance if row.check else None

    @extend_schema_field({"type": "string", "enum": [*AbsenceReason.values, ""]})
    def get_absence_reason(self, row) -> str:
        return row.check.absence_reason if row.check else ""

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": Symptom.values}})
    def get_symptoms(self, row) -> list[str]:
        return list(row.check.symptoms or []) if row.check else []

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_temperature(self, row):
        return str(row.check.temperature) if row.check and row.check.temperature is not None else None

    def get_note(self, row) -> str:
        return row.check.note if row.check else ""


class HealthCheckSheetSerializer(serializers.Serializer):
    class_group = serializers.IntegerField(read_only=True)
    class_name = serializers.CharField(read_only=True)
    institution = serializers.IntegerField(read_only=True)
    day = serializers.DateField(read_only=True)
    session = _record_choice_field(Session.choices, read_only=True)
    rows = HealthCheckRowSerializer(many=True, read_only=True)
    raised_alerts = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Alerts this save raised (POST only)"
    )
    extended_alerts = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Open alerts this save added cases to"
    )


class HealthCheckEntrySerializer(serializers.Serializer):
    child = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    attendance = _record_choice_field(Attendance.choices)
    absence_reason = _record_choice_field(
        AbsenceReason.choices, required=False, allow_blank=True, help_text="Needed when absent"
    )
    symptoms = serializers.ListField(
        child=_record_choice_field(Symptom.choices),
        required=False,
        max_length=len(Symptom.values),
        help_text="At least one when ill; allowed with an absence for illness",
    )
    temperature = serializers.DecimalField(
        max_digits=3, decimal_places=1, required=False, allow_null=True, help_text="°C, 34.0 to 43.0"
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class HealthCheckWriteSerializer(serializers.Serializer):
    entries = HealthCheckEntrySerializer(many=True, allow_empty=False, max_length=200)


# --- alerts ---
# Component names start with `HealthAlert`. The case list names the children only for the institution's
# own health staff and operator; for the officials `name` is null and `label` is "幼儿 N".
class HealthAlertSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    institution = serializers.IntegerField(source="institution_id", read_only=True)
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    class_group = serializers.IntegerField(source="class_group_id", read_only=True)
    class_name = serializers.CharField(source="class_group.name", read_only=True)
    symptom = _record_choice_field(Symptom.choices, read_only=True)
    rule = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    first_day = serializers.DateField(read_only=True)
    last_day = serializers.DateField(read_only=True)
    cases = serializers.IntegerField(read_only=True, help_text="Children, each counted once")
    status = _record_choice_field(AlertStatus.choices, read_only=True)
    raised_at = serializers.DateTimeField(read_only=True)


class HealthAlertCaseSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, allow_null=True, help_text="null outside the institution")
    age_months = serializers.IntegerField(read_only=True)
    sex = _record_choice_field(Child.Sex.choices, read_only=True)
    first_day = serializers.DateField(read_only=True)
    days = serializers.ListField(child=serializers.DateField(), read_only=True)
    symptoms = serializers.ListField(child=_record_choice_field(Symptom.choices), read_only=True)
    absent = serializers.BooleanField(read_only=True, help_text="Absent for illness at one of the checks")


class HealthAlertEventSerializer(serializers.Serializer):
    from_status = serializers.CharField(read_only=True)
    to_status = _record_choice_field(AlertStatus.choices, read_only=True)
    at = serializers.DateTimeField(read_only=True)
    note = serializers.CharField(read_only=True)


class HealthAlertDetailSerializer(HealthAlertSerializer):
    case_list = HealthAlertCaseSerializer(many=True, read_only=True)
    events = HealthAlertEventSerializer(many=True, read_only=True)
    actions = serializers.ListField(
        child=serializers.ChoiceField(choices=["acknowledge", "close"]),
        read_only=True,
        help_text="What you may do now",
    )


class HealthAlertNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Required to close: what was done"
    )


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
