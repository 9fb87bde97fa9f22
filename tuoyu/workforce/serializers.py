"""Workforce's API shapes. An ID number is only ever `masked_id_number`."""

from django.urls import reverse
from drf_spectacular import utils as spectacular
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tuoyu.core.filters import MAX_ID
from tuoyu.core.workdays import beijing_today

from .models import (
    Certificate,
    CertificateKind,
    Course,
    CourseEnrolment,
    CourseKind,
    CourseStatus,
    Employment,
    Post,
    StaffMember,
)
from .workflow import COURSE_WORKFLOW

# --- staff and certificates ---
# Component names start with `WorkforceStaff` / `WorkforceCertificate`. A person's ID number goes in only
# on create (`id_number`) and comes out only as `masked_id_number`; the mobile only as `masked_mobile`.


def _staff_choice_field(choices, **kwargs):
    """A ChoiceField whose enum stays inline in the schema (as inspections' local_choice_field)."""
    values = [value for value, _label in choices]
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = spectacular.extend_schema_field(schema)(
        type("StaffChoiceField", (serializers.ChoiceField,), {})
    )
    return field_class(choices=choices, **kwargs)


class WorkforceStaffErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(
        required=False, help_text="For 400 and 409: the messages per field (`non_field_errors` for the whole)"
    )


class WorkforceStaffSerializer(serializers.ModelSerializer):
    institution_name = serializers.CharField(source="institution.name", read_only=True)
    post = _staff_choice_field(Post.choices, read_only=True)
    post_display = serializers.CharField(source="get_post_display", read_only=True)
    employment = _staff_choice_field(Employment.choices, read_only=True)
    class_name = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = StaffMember
        fields = [
            "id",
            "institution",
            "institution_name",
            "name",
            "masked_id_number",
            "masked_mobile",
            "post",
            "post_display",
            "employment",
            "started_on",
            "ended_on",
            "active",
            "class_group",
            "class_name",
            "background_checked_on",
            "health_checked_on",
        ]
        read_only_fields = fields

    def get_class_name(self, obj) -> str | None:
        return obj.class_group.name if obj.class_group_id else None

    def get_active(self, obj) -> bool:
        """Employed today."""
        return obj.is_active_on(beijing_today())


class WorkforceStaffUpdateSerializer(serializers.Serializer):
    """The fields an operator changes; the services check every rule (mobile, dates, class)."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    mobile = serializers.CharField(required=False, allow_blank=True, max_length=20)
    post = _staff_choice_field(Post.choices, required=False)
    employment = _staff_choice_field(Employment.choices, required=False)
    started_on = serializers.DateField(required=False)
    ended_on = serializers.DateField(required=False, allow_null=True)
    class_group = serializers.IntegerField(
        required=False, allow_null=True, help_text="A class of the same institution (carers only)"
    )
    background_checked_on = serializers.DateField(required=False, allow_null=True)
    health_checked_on = serializers.DateField(required=False, allow_null=True)


class WorkforceStaffCreateSerializer(WorkforceStaffUpdateSerializer):
    """A new staff member. The ID number goes in here only: it is never sent back."""

    institution = serializers.IntegerField(
        required=False, help_text="Your institution's id; needed only when you keep more than one"
    )
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(
        max_length=18, write_only=True, help_text="18 digits, checked by the check digit"
    )
    post = _staff_choice_field(Post.choices)
    started_on = serializers.DateField()


class WorkforceCertificateSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    valid = serializers.SerializerMethodField()
    scan_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "staff",
            "kind",
            "kind_name",
            "number",
            "issuer",
            "issued_on",
            "expires_on",
            "valid",
            "scan_url",
        ]
        read_only_fields = fields

    def get_valid(self, obj) -> bool:
        """Counts today: issued and not past its last valid day."""
        today = beijing_today()
        return obj.issued_on <= today and (obj.expires_on is None or today <= obj.expires_on)

    def get_scan_url(self, obj) -> str | None:
        """Where the signed-in operator (or the commission) opens the scan; None without one."""
        return reverse("workforce:certificate_scan", args=[obj.pk]) if obj.scan else None


class WorkforceCertificateCreateSerializer(serializers.Serializer):
    """A certificate: JSON, or multipart with `scan` (PDF, JPEG or PNG, checked by content)."""

    kind = serializers.SlugRelatedField(
        slug_field="code", queryset=CertificateKind.objects.filter(active=True), help_text="A kind's code"
    )
    number = serializers.CharField(max_length=50, allow_blank=True)
    issuer = serializers.CharField(max_length=100, allow_blank=True)
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True)
    scan = serializers.FileField(required=False, allow_empty_file=False)


# --- courses and attendance ---
# Component names start with `WorkforceCourse` so they never collide with another part's in the schema. An
# enrolment names the person and the institution, never an ID number.


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
    staff = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="A member of your own institution's staff"
    )


class WorkforceCourseAttendanceRowSerializer(serializers.Serializer):
    enrolment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
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
