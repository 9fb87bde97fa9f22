"""The filing API's shapes. Serializers parse and render; every write goes through services.py."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tuoyu.institutions.models import Institution
from tuoyu.institutions.selectors import institutions_of

from .data import INSTITUTION_FIELDS, MAX_ROWS, ClassRow, FeeRow, InstitutionSection, StaffSection
from .models import (
    Filing,
    FilingEvent,
    FilingKind,
    FilingMaterial,
    FilingStatus,
    MaterialKind,
    Notice,
    NoticeKind,
    ReviewComment,
)
from .workflow import may_edit

MAX_TEXT = 2000  # a draft keeps what was typed, but not without bound
# What a reviewer may comment on when returning an application: a section of the form or a material.
SECTIONS = ["institution", "classes", "fees", "staff"]
COMMENT_ITEMS = [*SECTIONS, *MaterialKind.values]


# --- the draft data ------------------------------------------------------------------------------


@extend_schema_field({"type": "boolean"})
class CheckboxField(serializers.Field):
    """A form checkbox in the stored draft: "on" when ticked, "" when not (as the HTML form posts it).

    Clients send and receive a boolean; "on" and "" are accepted too, so a draft saved by the web page
    and one saved through the API look the same.
    """

    default_error_messages = {"invalid": serializers.BooleanField.default_error_messages["invalid"]}

    def to_internal_value(self, data):
        if data in (True, "on", "true", "True", "1", 1):
            return "on"
        if data in (False, "", "off", "false", "False", "0", 0, None):
            return ""
        self.fail("invalid")

    def to_representation(self, value):
        return value in (True, "on", "true", "True", "1", 1)


def local_choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField whose enum stays inline in the schema instead of becoming a shared component.

    drf-spectacular names shared enums after the property: the filing's `kind` (FilingKind, in two
    components) would collide with a material's or a notice's `kind` and fail `--fail-on-warn`. The
    allOf wrapper keeps the enum and its validation where it is used; `ENUM_NAME_OVERRIDES` in the
    settings would be the alternative.
    """
    values = [value for value, _label in choices]
    # A sibling key keeps drf-spectacular from unwrapping a lone allOf back into a bare enum.
    schema = {"allOf": [{"type": "string", "enum": values}], "description": " | ".join(values)}
    field_class = extend_schema_field(schema)(type("LocalChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


def _raw_text(**kwargs) -> serializers.CharField:
    """A value as typed: any string (or number) is kept; it is validated only on submit."""
    return serializers.CharField(required=False, allow_blank=True, max_length=MAX_TEXT, **kwargs)


def _fields_of(form_class: type[forms.Form], names: list[str] | None = None) -> dict:
    # base_fields, not an instance: the institution form reads the streets from the database.
    fields = form_class.base_fields
    return {
        name: CheckboxField(required=False) if isinstance(fields[name], forms.BooleanField) else _raw_text()
        for name in (names or list(fields))
    }


# The draft sections are built from the filing form itself, so the API and the page never disagree on
# which fields exist.
def _section(name: str, fields: dict) -> type[serializers.Serializer]:
    return serializers.SerializerMetaclass(
        name, (serializers.Serializer,), {"__module__": __name__, **fields}
    )


InstitutionDataSerializer = _section(
    "FilingInstitutionDataSerializer", _fields_of(InstitutionSection, INSTITUTION_FIELDS)
)
ClassDataSerializer = _section("FilingClassDataSerializer", _fields_of(ClassRow))
FeeDataSerializer = _section("FilingFeeDataSerializer", _fields_of(FeeRow))
StaffDataSerializer = _section("FilingStaffDataSerializer", _fields_of(StaffSection))


class DeregistrationDataSerializer(serializers.Serializer):
    reason = _raw_text()
    last_day = _raw_text(help_text="YYYY-MM-DD, or empty")


class FilingDataSerializer(serializers.Serializer):
    """The proposed register data, kept as typed (strings and checkboxes) and validated on submit."""

    institution = InstitutionDataSerializer(required=False)
    classes = ClassDataSerializer(many=True, required=False, max_length=MAX_ROWS)
    fees = FeeDataSerializer(many=True, required=False, max_length=MAX_ROWS)
    staff = StaffDataSerializer(required=False)
    deregistration = DeregistrationDataSerializer(required=False)


# --- reading filings -----------------------------------------------------------------------------


class InstitutionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name", "filing_number"]


class DeadlineSerializer(serializers.Serializer):
    days_left = serializers.IntegerField(help_text="Working days from today; negative once overdue")
    overdue = serializers.BooleanField()


class FilingListSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    institution = InstitutionRefSerializer(read_only=True, allow_null=True)
    applicant_name = serializers.CharField(source="applicant.__str__", read_only=True)

    class Meta:
        model = Filing
        fields = [
            "id",
            "kind",
            "kind_display",
            "status",
            "status_display",
            "version",
            "name",
            "institution",
            "applicant_name",
            "submitted_at",
            "due_on",
            "check_due_on",
            "decided_at",
            "filing_number",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FilingEventSerializer(serializers.ModelSerializer):
    """One step of the timeline: the status the application reached, when, and the note."""

    status = serializers.ChoiceField(choices=FilingStatus.choices, source="to_status", read_only=True)
    status_display = serializers.CharField(source="get_to_status_display", read_only=True)

    class Meta:
        model = FilingEvent
        fields = ["status", "status_display", "at", "version", "note"]
        read_only_fields = fields


class ReviewCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReviewComment
        fields = ["version", "item", "text", "at"]
        read_only_fields = fields


class FilingMaterialSerializer(serializers.ModelSerializer):
    kind = local_choice_field(MaterialKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.SerializerMethodField(help_text="The file, for a signed-in user who may see it")

    class Meta:
        model = FilingMaterial
        fields = [
            "id",
            "kind",
            "kind_display",
            "original_name",
            "file_kind",
            "size",
            "version",
            "uploaded_at",
            "lease_start",
            "lease_end",
            "hygiene_passed",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        path = reverse("filings:material_file", args=[obj.filing_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class FilingDetailSerializer(FilingListSerializer):
    """One application with its data, deadlines, timeline, review comments and current materials.

    The view prefetches `events`, `comments` and `current_materials`, and sets `deadline` and
    `check_deadline` (working days, which need the holiday table) before rendering.
    """

    data = FilingDataSerializer(read_only=True)
    pledge_accepted = serializers.SerializerMethodField()
    deadline = DeadlineSerializer(
        read_only=True, allow_null=True, help_text="The 5-working-day decision deadline, while submitted"
    )
    check_deadline = DeadlineSerializer(
        read_only=True,
        allow_null=True,
        help_text="The 15-working-day compliance check deadline, until the application is closed",
    )
    editable = serializers.SerializerMethodField(help_text="Whether the signed-in user may change it now")
    receipt_url = serializers.SerializerMethodField()
    events = FilingEventSerializer(many=True, read_only=True)
    comments = ReviewCommentSerializer(many=True, read_only=True)
    materials = FilingMaterialSerializer(many=True, read_only=True, source="current_materials")

    class Meta(FilingListSerializer.Meta):
        fields = [
            *FilingListSerializer.Meta.fields,
            "data",
            "pledge_accepted",
            "first_submitted_at",
            "deadline",
            "check_deadline",
            "decision_note",
            "editable",
            "receipt_url",
            "events",
            "comments",
            "materials",
        ]
        read_only_fields = fields

    def get_pledge_accepted(self, obj) -> bool:
        return obj.pledge_accepted_at is not None

    def get_editable(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request and may_edit(obj, request.user))

    def get_receipt_url(self, obj) -> str | None:
        if not obj.receipt_code:
            return None
        path = reverse("filings:receipt", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# --- writing filings -----------------------------------------------------------------------------


class FilingCreateSerializer(serializers.Serializer):
    """Start a change (变更) or deregistration (注销) of an institution the operator acts for.

    An initial filing is not created here: it starts when the operator registers.
    """

    kind = local_choice_field([(k.value, k.label) for k in (FilingKind.CHANGE, FilingKind.DEREGISTRATION)])
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.none())
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_TEXT, help_text="Required for a deregistration"
    )
    last_day = serializers.DateField(required=False, allow_null=True, help_text="Last day of service")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only the institutions the operator is a member of exist for them here.
            self.fields["institution"].queryset = institutions_of(request.user)


class FilingUpdateSerializer(serializers.Serializer):
    """Save the draft. Each section given in `data` replaces that section; sections left out are kept."""

    data = FilingDataSerializer(required=False)
    pledge = serializers.BooleanField(
        required=False, allow_null=True, help_text="Accept (true) or withdraw (false) the pledge (承诺书)"
    )


class FilingApproveSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)


class FilingReturnSerializer(serializers.Serializer):
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=MAX_TEXT),
        required=False,
        default=dict,
        help_text="What must be corrected, per item: a section (" + ", ".join(SECTIONS) + ") or a material "
        "kind (" + ", ".join(MaterialKind.values) + ")",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)

    def validate_comments(self, value: dict[str, str]) -> dict[str, str]:
        unknown = [item for item in value if item not in COMMENT_ITEMS]
        if unknown:
            raise serializers.ValidationError(_("Unknown item: %(item)s") % {"item": unknown[0]})
        return value


class FilingNoncompliantSerializer(serializers.Serializer):
    reasons = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_TEXT, help_text="Published"
    )


# --- public --------------------------------------------------------------------------------------


class NoticeSerializer(serializers.ModelSerializer):
    kind = local_choice_field(NoticeKind.choices, read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "kind_display",
            "institution_name",
            "filing_number",
            "unit_name",
            "summary",
            "published_at",
        ]
        read_only_fields = fields


class ReceiptInstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["name", "filing_number", "uscc", "capacity_total"]
        read_only_fields = fields


class ReceiptSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["valid", "changed", "deregistered", "unknown"])
    message = serializers.CharField(help_text="The result in words, in the request's language")
    institution = ReceiptInstitutionSerializer(allow_null=True)


class FilingErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler shapes it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403 and 404")
    errors = serializers.DictField(
        required=False, help_text="For 400: the messages per field (`non_field_errors` for the whole)"
    )
