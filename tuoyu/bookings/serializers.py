"""The shapes of the 入托网上约 API. Serializers parse and render; every write goes through services.py.

A child's ID number is accepted once, when the family adds the child, and never rendered again: responses
carry `id_number_masked` only, and neither the number nor its blind index is a field of any output.
Names of the components start with "Booking" so they cannot collide with another app's `Child` or
`Application` in the shared OpenAPI schema.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tuoyu.institutions.models import AgeGroup, ClassGroup, Institution, ServiceType

from .models import (
    Application,
    ApplicationStatus,
    BookingEvent,
    Child,
    Enrolment,
    EnrolmentStatus,
    Visit,
    VisitSlot,
    VisitStatus,
)

MAX_NOTE = 1000  # Application.notes


def local_choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField whose enum stays inline in the schema instead of becoming a shared component.

    drf-spectacular names shared enums after the property: an application's, a visit's and an
    enrolment's `status` (and the filings' `status`) would all want `StatusEnum` and fail
    `--fail-on-warn`. The same device as filings/serializers.py; it is copied because an app imports
    only core, regions and institutions (a candidate for tuoyu.core).
    """
    values = [value for value, _label in choices]
    # A sibling key keeps drf-spectacular from unwrapping a lone allOf back into a bare enum.
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(type("LocalChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


# --- references ----------------------------------------------------------------------------------


class BookingInstitutionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name"]
        read_only_fields = fields


class BookingClassRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassGroup
        fields = ["id", "name", "age_group"]
        read_only_fields = fields


class BookingChildRefSerializer(serializers.ModelSerializer):
    """The child as an institution sees them on an application, a visit or an enrolment: no ID number."""

    sex = local_choice_field(Child.Sex.choices, read_only=True)

    class Meta:
        model = Child
        fields = ["id", "name", "sex", "birth_date", "is_second_or_later"]
        read_only_fields = fields


class BookingFamilyRefSerializer(serializers.Serializer):
    name = serializers.CharField(source="display_name", read_only=True)
    phone_masked = serializers.CharField(source="masked_phone", read_only=True)


# --- children ------------------------------------------------------------------------------------


class BookingChildSerializer(serializers.ModelSerializer):
    sex = local_choice_field(Child.Sex.choices, read_only=True)
    sex_display = serializers.CharField(source="get_sex_display", read_only=True)
    id_number_masked = serializers.CharField(
        source="masked_id_number",
        read_only=True,
        help_text="The ID number with its middle hidden (500***********1234); empty when none was given",
    )

    class Meta:
        model = Child
        fields = [
            "id",
            "name",
            "sex",
            "sex_display",
            "birth_date",
            "is_second_or_later",
            "id_number_masked",
            "created_at",
        ]
        read_only_fields = fields


class BookingChildCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    sex = local_choice_field(Child.Sex.choices)
    birth_date = serializers.DateField()
    id_number = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        max_length=30,
        help_text="The child's 18-digit resident ID number (居民身份证号码), optional. Checked, stored "
        "encrypted, and never shown again in full",
    )
    is_second_or_later = serializers.BooleanField(required=False, default=False)


# --- visits --------------------------------------------------------------------------------------


class BookingVisitSlotSerializer(serializers.ModelSerializer):
    free = serializers.IntegerField(read_only=True, help_text="Seats still free")

    class Meta:
        model = VisitSlot
        fields = ["id", "starts_at", "ends_at", "capacity", "booked", "free", "note"]
        read_only_fields = fields


class BookingVisitSlotCreateSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=1, max_value=200, help_text="Families that fit")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class BookingVisitSerializer(serializers.ModelSerializer):
    status = local_choice_field(VisitStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    slot = BookingVisitSlotSerializer(read_only=True)
    institution = BookingInstitutionRefSerializer(source="slot.institution", read_only=True)
    child = BookingChildRefSerializer(read_only=True, allow_null=True)
    family = BookingFamilyRefSerializer(read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "status", "status_display", "slot", "institution", "child", "family", "created_at"]
        read_only_fields = fields


class BookingVisitCreateSerializer(serializers.Serializer):
    slot = serializers.PrimaryKeyRelatedField(queryset=VisitSlot.objects.all())
    child = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="One of your children, optional"
    )


# --- applications --------------------------------------------------------------------------------


class BookingEventSerializer(serializers.ModelSerializer):
    """One step of the timeline: the status the application reached, when, and the note."""

    status = local_choice_field(ApplicationStatus.choices, source="to_status", read_only=True)
    status_display = serializers.SerializerMethodField()

    class Meta:
        model = BookingEvent
        fields = ["status", "status_display", "at", "note"]
        read_only_fields = fields

    def get_status_display(self, obj) -> str:
        return str(ApplicationStatus(obj.to_status).label)


class BookingEnrolmentRefSerializer(serializers.ModelSerializer):
    status = local_choice_field(EnrolmentStatus.choices, read_only=True)
    class_group = BookingClassRefSerializer(read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "status", "class_group", "start_date", "end_date"]
        read_only_fields = fields


class BookingApplicationSerializer(serializers.ModelSerializer):
    status = local_choice_field(ApplicationStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    age_group_display = serializers.CharField(source="get_age_group_display", read_only=True)
    service_type_display = serializers.CharField(source="get_service_type_display", read_only=True)
    child = BookingChildRefSerializer(read_only=True)
    institution = BookingInstitutionRefSerializer(read_only=True)
    family = BookingFamilyRefSerializer(read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "status",
            "status_display",
            "child",
            "institution",
            "family",
            "age_group",
            "age_group_display",
            "service_type",
            "service_type_display",
            "start_date",
            "parents_work_nearby",
            "offer_expires_at",
            "decline_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class BookingApplicationDetailSerializer(BookingApplicationSerializer):
    """One application with its timeline. The view prefetches `events` and sets `waitlist_position`."""

    waitlist_position = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="1 for the next family; null unless waitlisted"
    )
    enrolment = BookingEnrolmentRefSerializer(read_only=True, allow_null=True)
    events = BookingEventSerializer(many=True, read_only=True)

    class Meta(BookingApplicationSerializer.Meta):
        fields = [
            *BookingApplicationSerializer.Meta.fields,
            "notes",
            "waitlist_position",
            "enrolment",
            "events",
        ]
        read_only_fields = fields


class BookingApplicationCreateSerializer(serializers.Serializer):
    child = serializers.IntegerField(help_text="One of your children")
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.all())
    age_group = serializers.ChoiceField(choices=AgeGroup.choices)
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    start_date = serializers.DateField(help_text="The wished start date")
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_NOTE)
    parents_work_nearby = serializers.BooleanField(
        required=False, default=False, help_text="Both parents work nearby (some institutions put them first)"
    )


class BookingDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text="Shown to the family"
    )


class BookingAcceptConflictSerializer(serializers.Serializer):
    """The answer when the last place went first: the application is now on the waitlist. Any other 409
    (the application is no longer waiting) has the usual error shape: `message` and `errors`."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    code = serializers.CharField(required=False, help_text="`no_place` when the last place went first")
    application = BookingApplicationDetailSerializer(required=False, help_text="When `code` is `no_place`")
    errors = serializers.DictField(required=False, help_text="Otherwise: why the state refuses it")


# --- enrolments ----------------------------------------------------------------------------------


class BookingEnrolmentSerializer(serializers.ModelSerializer):
    status = local_choice_field(EnrolmentStatus.choices, read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    child = BookingChildRefSerializer(read_only=True)
    institution = BookingInstitutionRefSerializer(read_only=True)
    class_group = BookingClassRefSerializer(read_only=True)
    application = serializers.IntegerField(
        source="application_id", read_only=True, allow_null=True, help_text="Null when recorded directly"
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "status",
            "status_display",
            "child",
            "institution",
            "class_group",
            "service_type",
            "start_date",
            "end_date",
            "application",
            "created_at",
        ]
        read_only_fields = fields


class BookingEnrolmentCreateSerializer(serializers.Serializer):
    """A child who came without the site (walked in, by phone), recorded by the institution."""

    class_group = serializers.PrimaryKeyRelatedField(
        queryset=ClassGroup.objects.select_related("institution"),
        help_text="A class of an institution you are a member of",
    )
    child_name = serializers.CharField(max_length=50)
    sex = local_choice_field(Child.Sex.choices)
    birth_date = serializers.DateField()
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    start_date = serializers.DateField()


class BookingEnrolmentEndSerializer(serializers.Serializer):
    end_date = serializers.DateField(help_text="The child's last day")


# --- statistics ----------------------------------------------------------------------------------

BookingApplicationCountsSerializer = serializers.SerializerMetaclass(
    "BookingApplicationCountsSerializer",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "Applications per status.",
        **{status: serializers.IntegerField() for status in ApplicationStatus.values},
        "total": serializers.IntegerField(),
    },
)


class BookingStatisticsRowSerializer(serializers.Serializer):
    institution_id = serializers.IntegerField()
    institution_name = serializers.CharField()
    unit_name = serializers.CharField(allow_null=True)
    applications = BookingApplicationCountsSerializer()
    active_enrolments = serializers.IntegerField()


class BookingStatisticsTotalsSerializer(serializers.Serializer):
    applications = BookingApplicationCountsSerializer()
    active_enrolments = serializers.IntegerField()


class BookingStatisticsSerializer(serializers.Serializer):
    """Numbers only: no child, no family."""

    institutions = BookingStatisticsRowSerializer(many=True)
    totals = BookingStatisticsTotalsSerializer()


class BookingErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(
        required=False, help_text="For 400: the messages per field (`non_field_errors` for the whole)"
    )
