from rest_framework import serializers

from .models import ClassGroup, Fee, Institution
from .selectors import vacancies_by_age_group


class ClassGroupSerializer(serializers.ModelSerializer):
    vacancies = serializers.IntegerField(read_only=True)

    class Meta:
        model = ClassGroup
        fields = ["id", "name", "age_group", "capacity", "enrolled", "vacancies"]


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["age_group", "service_type", "amount", "period", "price_type", "note"]


class UnitRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class InstitutionListSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(read_only=True)
    distance_km = serializers.SerializerMethodField()
    vacancies = serializers.IntegerField(read_only=True)
    vacancies_by_age_group = serializers.SerializerMethodField()
    service_types = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Institution
        fields = [
            "id",
            "name",
            "type",
            "ownership",
            "is_puhui",
            "filing_number",
            "unit",
            "address",
            "lat",
            "lng",
            "distance_km",
            "capacity_total",
            "enrolled_total",
            "vacancies",
            "vacancies_by_age_group",
            "fee_from",
            "service_types",
            "is_demo",
        ]

    def get_distance_km(self, obj) -> float | None:
        distance = getattr(obj, "distance_km", None)
        return round(distance, 3) if distance is not None else None

    def get_vacancies_by_age_group(self, obj) -> dict[str, int]:
        return vacancies_by_age_group(obj)


class InstitutionDetailSerializer(InstitutionListSerializer):
    classes = ClassGroupSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)

    class Meta(InstitutionListSerializer.Meta):
        fields = [
            *InstitutionListSerializer.Meta.fields,
            "uscc",
            "registration_body",
            "filed_on",
            "phone",
            "opens_at",
            "closes_at",
            "open_days",
            "description",
            "grade",
            "classes",
            "fees",
        ]
