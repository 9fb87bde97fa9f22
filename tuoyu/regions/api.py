from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny

from tuoyu.core.access import public_access

from .models import Unit


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", allow_null=True, read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "level", "parent", "depth", "center_lat", "center_lng"]


@extend_schema(
    parameters=[
        OpenApiParameter("level", str, enum=list(Unit.Level.values)),
        OpenApiParameter("parent", str, description="Code of the parent unit"),
        OpenApiParameter("within", str, description="Code of a unit: all its descendants"),
    ]
)
class UnitListAPI(ListAPIView):
    """Administrative units (any depth), e.g. the streets and towns of the district."""

    tuoyu_access = public_access()
    permission_classes = [AllowAny]
    serializer_class = UnitSerializer

    def get_queryset(self):
        qs = Unit.objects.select_related("parent").order_by("path")
        params = self.request.query_params
        level = params.get("level")
        if level:
            if level not in Unit.Level.values:
                raise ValidationError({"level": [f"Unknown level: {level}"]})
            qs = qs.filter(level=level)
        for key, lookup in (("parent", "parent__code"), ("within", None)):
            code = params.get(key)
            if not code:
                continue
            anchor = Unit.objects.filter(code=code).first()
            if anchor is None:
                raise ValidationError({key: [f"Unknown unit: {code}"]})
            qs = (
                qs.filter(**{lookup: code})
                if lookup
                else qs.filter(path__startswith=anchor.path).exclude(pk=anchor.pk)
            )
        return qs
