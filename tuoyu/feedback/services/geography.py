"""Where a report belongs: the street or town a point lies in, and the district's health commission."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tuoyu.core.geo import haversine_km
from tuoyu.regions.models import Department, Unit
from tuoyu.regions.selectors import area_unit, grassroots_units

from ..models import (
    ComplaintStatus,
)

S = ComplaintStatus


def health_commission() -> Department | None:
    area = area_unit()
    qs = Department.objects.filter(is_health_commission=True)
    if area is not None:
        qs = qs.filter(unit__path__startswith=area.path)
    return qs.order_by("unit__depth", "code").first()


def unit_for_point(lat: float, lng: float) -> Unit:
    """The street or town a point lies in. Units carry bounding boxes, not outlines: where boxes overlap
    the unit whose centre is nearest wins, which the handler can correct by reassigning."""
    area = area_unit()
    bounds = area.bounds if area is not None else None
    if bounds is None or not bounds.contains(lat, lng):
        raise ValidationError(
            {
                "lat": _(
                    "This place is outside the district this service covers. Please check the point on the map."
                )
            },
            code="outside",
        )
    units = [u for u in grassroots_units(area) if u.center_lat is not None]
    candidates = [u for u in units if u.bounds is not None and u.bounds.contains(lat, lng)] or units
    if not candidates:
        return area
    return min(candidates, key=lambda u: haversine_km(lat, lng, u.center_lat, u.center_lng))
