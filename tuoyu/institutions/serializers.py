from rest_framework import serializers

from .models import ClassGroup, Fee, Institution
from .selectors import vacancies_by_age_group


class ClassGroupSerializer(serializers.ModelSerializer):
    vacancies = serializers.IntegerField(read_only=True)

    class Meta:
        model = ClassGroup
        fields = ["id", "name", "age_group", "capacity", "enrolled", "vacancies"]
        # The column is a small integer; say so explicitly, or the schema's maximum would follow the
        # database backend (SQLite reports a 64-bit range) and the committed contract would differ by
        # backend.
        extra_kwargs = {
            "capacity": {"min_value": 1, "max_value": 32767},
            "enrolled": {"min_value": 0, "max_value": 32767},
        }


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

    def to_representation(self, obj):
        # The nearest-50 search renders 50 of these per request; DRF's generic field-by-field path
        # costs ~40 µs a row. Same keys and values as the declared fields (the schema still uses them).
        fee_from = obj.fee_from
        return {
            "id": obj.id,
            "name": obj.name,
            "type": obj.type,
            "ownership": obj.ownership,
            "is_puhui": obj.is_puhui,
            "filing_number": obj.filing_number,
            "unit": {"code": obj.unit.code, "name": obj.unit.name},
            "address": obj.address,
            "lat": obj.lat,
            "lng": obj.lng,
            "distance_km": self.get_distance_km(obj),
            "capacity_total": obj.capacity_total,
            "enrolled_total": obj.enrolled_total,
            "vacancies": obj.vacancies,
            "vacancies_by_age_group": vacancies_by_age_group(obj),
            "fee_from": None if fee_from is None else f"{fee_from:.2f}",
            "service_types": [str(v) for v in obj.service_types],
            "is_demo": obj.is_demo,
        }

    def get_distance_km(self, obj) -> float | None:
        distance = getattr(obj, "distance_km", None)
        return round(distance, 3) if distance is not None else None

    def get_vacancies_by_age_group(self, obj) -> dict[str, int]:
        return vacancies_by_age_group(obj)


class InstitutionDetailSerializer(InstitutionListSerializer):
    to_representation = serializers.ModelSerializer.to_representation  # every field, the generic way

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
