"""Workforce's API shapes. An ID number is only ever `masked_id_number`."""

# --- staff and certificates ---

# --- courses and attendance ---
# Component names start with `WorkforceCourse` so they never collide with another part's in the schema. An
# enrolment names the person and the institution, never an ID number.
from drf_spectacular.utils import extend_schema_field  # noqa: E402
from rest_framework import serializers  # noqa: E402

from .models import Course, CourseEnrolment, CourseKind, CourseStatus  # noqa: E402
from .workflow import COURSE_WORKFLOW  # noqa: E402


def _course_choice_field(choices, **kwargs):
    """A ChoiceField whose enum stays inline in the schema (as inspections' local_choice_field)."""
    values = [value for value, _label in choices]
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(type("CourseChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class WorkforceCourseErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(
        required=False, help_text="For 400 and 409: the messages per field (`non_field_errors` for the whole)"
    )


class WorkforceCourseSerializer(serializers.ModelSerializer):
    kind = _course_choice_field(CourseKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status = _course_choice_field(CourseStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    places_left = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text="What you may do now (publish, close, cancel), from the course's workflow"
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "kind",
            "kind_display",
            "organiser",
            "description",
            "place",
            "starts_on",
            "ends_on",
            "hours",
            "capacity",
            "enrolled",
            "places_left",
            "status",
            "status_display",
            "actions",
        ]
        read_only_fields = fields

    def get_places_left(self, course) -> int:
        return max(course.capacity - course.enrolled, 0)

    def get_actions(self, course) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return COURSE_WORKFLOW.allowed_actions(course, request.user)


class WorkforceCourseWriteSerializer(serializers.Serializer):
    """A new course, or a draft's changes (PATCH: any of the fields)."""

    title = serializers.CharField(max_length=100)
    kind = _course_choice_field(CourseKind.choices)
    organiser = serializers.CharField(max_length=100)
    place = serializers.CharField(max_length=200)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="More than 0")
    capacity = serializers.IntegerField(min_value=0, max_value=32767, help_text="At least 1")
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class WorkforceCourseCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Told to the institutions with staff on it")


class WorkforceCourseEnrolmentSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    post = serializers.CharField(source="staff.post", read_only=True)
    institution = serializers.IntegerField(source="staff.institution_id", read_only=True)
    institution_name = serializers.CharField(source="staff.institution.name", read_only=True)

    class Meta:
        model = CourseEnrolment
        fields = [
            "id",
            "course",
            "staff",
            "staff_name",
            "post",
            "institution",
            "institution_name",
            "enrolled_at",
            "attended",
            "hours",
            "recorded_at",
        ]
        read_only_fields = fields


class WorkforceCourseEnrolSerializer(serializers.Serializer):
    staff = serializers.IntegerField(min_value=1, help_text="A member of your own institution's staff")


class WorkforceCourseAttendanceRowSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(min_value=1)
    attended = serializers.BooleanField()
    hours = serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        required=False,
        allow_null=True,
        help_text="0 to the course's hours; empty: the whole course when attended, 0 when absent",
    )


class WorkforceCourseAttendanceSerializer(serializers.Serializer):
    rows = WorkforceCourseAttendanceRowSerializer(many=True, allow_empty=False, max_length=1000)
