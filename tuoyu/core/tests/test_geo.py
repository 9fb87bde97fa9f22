import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuoyu.core.geo import bounding_box, gcj02_to_wgs84, haversine_km, wgs84_to_gcj02


def test_it_shifts_a_beijing_point_as_every_gcj02_converter_does():
    # Reference value from the widely used coordtransform / eviltransform libraries.
    lat, lng = wgs84_to_gcj02(39.915, 116.404)
    assert lat == pytest.approx(39.91640428150164, abs=1e-9)
    assert lng == pytest.approx(116.41024449916938, abs=1e-9)


def test_it_leaves_points_outside_china_unchanged():
    assert wgs84_to_gcj02(51.5, -0.12) == (51.5, -0.12)


@given(st.floats(min_value=20, max_value=50), st.floats(min_value=80, max_value=130))
def test_the_inverse_returns_the_original_point_within_a_centimetre(lat, lng):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lng))
    assert haversine_km(lat, lng, *back) < 1e-5


def test_distance_between_two_kaizhou_streets_is_a_few_kilometres():
    assert haversine_km(31.175, 108.395, 31.120, 108.430) == pytest.approx(6.95, abs=0.1)


@given(
    st.floats(min_value=-60, max_value=60),
    st.floats(min_value=-170, max_value=170),
    st.floats(min_value=0.1, max_value=300),
)
def test_the_bounding_box_contains_the_whole_circle(lat, lng, radius):
    box = bounding_box(lat, lng, radius)
    for bearing_lat, bearing_lng in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        # Step along each axis to just inside the radius and check the point is still in the box.
        step_lat = lat + bearing_lat * (radius * 0.999) / 111.2
        step_lng = lng
        if bearing_lng:
            lo, hi = lng, lng + bearing_lng * 90
            for _ in range(60):
                mid = (lo + hi) / 2
                if haversine_km(lat, lng, lat, mid) < radius * 0.999:
                    lo = mid
                else:
                    hi = mid
            step_lat, step_lng = lat, lo
        assert box.contains(step_lat, step_lng)
