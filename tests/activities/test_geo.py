"""The haversine distance: known distances, the antimeridian, near a pole."""

from __future__ import annotations

import pytest

from tidtam_activities.checkins.geo import destination, haversine_m

pytestmark = pytest.mark.unit


def test_known_distance_bangkok_chiang_mai():
    # Bangkok (Democracy Monument) to Chiang Mai (Tha Phae Gate): about 583 km.
    d = haversine_m(13.7567, 100.5018, 18.7877, 98.9931)
    assert 580_000 < d < 590_000


@pytest.mark.parametrize(("lat", "lon", "bearing"), [
    (13.7563, 100.5018, 45), (0.0, 179.9995, 90), (-16.5, -179.9999, 270),
    (89.999, 30.0, 180), (89.9995, -120.0, 10), (-89.999, 0.0, 0)])
def test_destination_is_as_far_as_asked(lat, lon, bearing):
    for metres in (999.0, 1001.0):
        lat2, lon2 = destination(lat, lon, bearing, metres)
        assert -180 <= lon2 < 180
        assert haversine_m(lat, lon, lat2, lon2) == pytest.approx(metres, abs=1e-3)


def test_antimeridian_is_no_edge():
    assert haversine_m(0.0, 179.999, 0.0, -179.999) == pytest.approx(222.4, abs=0.1)


def test_near_a_pole_longitude_counts_little():
    # 0.0005° from the pole, on opposite meridians: about 111 m apart, not half the Earth.
    assert haversine_m(89.9995, 0.0, 89.9995, 180.0) == pytest.approx(111.2, abs=0.1)
