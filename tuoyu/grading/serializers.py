"""The API's shapes for grading: public, read-only. Statuses and levels are plain strings with their
labels beside them, so no enum component collides with another app's in the schema."""

from rest_framework import serializers

from .models import Assessment, DemonstrationUnit
from .services import NO_GRADE


class GradeInstitutionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True, default=None)


class GradeDimensionSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    points = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True)
    maximum = serializers.IntegerField(read_only=True)


class GradeSerializer(serializers.ModelSerializer):
    institution = GradeInstitutionSerializer(read_only=True)
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    grade_display = serializers.SerializerMethodField()
    rubric = serializers.CharField(source="rubric.__str__", read_only=True)
    dimensions = GradeDimensionSerializer(source="dimension_totals", many=True, read_only=True)
    reviewed = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "institution",
            "assessed_on",
            "published_at",
            "status",
            "status_display",
            "total",
            "grade",
            "grade_display",
            "vetoed",
            "grade_before_review",
            "reviewed",
            "rubric",
            "dimensions",
        ]
        read_only_fields = fields

    def get_grade_display(self, obj) -> str:
        """The band's grade and label ("A（优秀）"), or 不予评级 when a basic item is not met or the total
        is under every band."""
        for band in obj.rubric.bands:
            if obj.grade and band["grade"] == obj.grade:
                return f"{band['grade']}（{band['label']}）"
        return NO_GRADE

    def get_reviewed(self, obj) -> bool:
        """Whether this is the result of the institution's review (then grade_before_review is the grade
        first published)."""
        return obj.status == "reviewed"


class DemonstrationUnitSerializer(serializers.ModelSerializer):
    institution = GradeInstitutionSerializer(read_only=True)
    level = serializers.CharField(read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = DemonstrationUnit
        fields = ["id", "institution", "year", "level", "level_display", "title", "document_number"]
        read_only_fields = fields
