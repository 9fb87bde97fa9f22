"""The measurements API (/api/v1/health/records/<id>/measurements/): the record's readers list them (each
read an AccessLog row), its keeping health staff create one; 400, 403, 404, 409 in core.api's one shape;
a fixed number of queries whatever the rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.accounts.models import AccessKind, AccessLog
from tuoyu.health.models import HealthRecord, Measurement

from .test_growth_service import measure

pytestmark = pytest.mark.django_db


def url(record) -> str:
    return f"/api/v1/health/records/{record.pk}/measurements/"


@pytest.fixture
def record(enrol, health_institution, family):
    enrolment = enrol(health_institution, months=18, family=family)
    return HealthRecord.objects.select_related("child").get(child=enrolment.child)


def body(record, days=500, **extra) -> dict:
    values = {
        "measured_on": (record.child.birth_date + timedelta(days=days)).isoformat(),
        "weight_kg": "11.20",
        "length_cm": "81.5",
        "lying": True,
        "head_cm": "46.5",
    }
    values.update(extra)
    return values


def test_health_staff_create_and_list_with_z_scores(client, health_staff, record):
    client.force_login(health_staff)
    created = client.post(url(record), body(record), content_type="application/json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["record"] == record.pk and data["age_days"] == 500
    assert {"waz", "laz", "wlz", "baz", "hcz", "flags"} <= set(data)
    assert data["waz"] is not None and data["flags"] == []
    listing = client.get(url(record))
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [data["id"]]


def test_lying_left_out_follows_the_age(client, health_staff, record):
    client.force_login(health_staff)
    values = body(record)
    del values["lying"]
    created = client.post(url(record), values, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["lying"] is True  # 500 days: under 2 years, lying down


def test_a_read_is_written_to_the_access_log(client, family, record):
    client.force_login(family)
    before = AccessLog.objects.filter(kind=AccessKind.HEALTH_RECORD, object_id=str(record.pk)).count()
    assert client.get(url(record)).status_code == 200
    after = AccessLog.objects.filter(kind=AccessKind.HEALTH_RECORD, object_id=str(record.pk))
    assert after.count() == before + 1
    assert after.latest("at").user == family


def test_another_institutions_record_is_a_404_and_nothing_is_logged(client, other_health_staff, record):
    client.force_login(other_health_staff)
    before = AccessLog.objects.count()
    assert client.get(url(record)).status_code == 404
    assert client.post(url(record), body(record), content_type="application/json").status_code == 404
    assert AccessLog.objects.count() == before
    assert not Measurement.objects.exists()
    assert client.get("/api/v1/health/records/999999/measurements/").status_code == 404


def test_a_guardian_reads_but_may_not_write(client, family, record):
    client.force_login(family)
    assert client.post(url(record), body(record), content_type="application/json").status_code == 403
    assert not Measurement.objects.exists()


def test_the_operator_may_not_read(client, operator, record):
    client.force_login(operator)
    assert client.get(url(record)).status_code == 403


def test_an_impossible_weight_is_a_400_naming_the_field(client, health_staff, record):
    client.force_login(health_staff)
    answer = client.post(url(record), body(record, weight_kg="70"), content_type="application/json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"weight_kg"}
    assert answer.json()["message"]
    assert not Measurement.objects.exists()


def test_a_date_in_the_future_is_a_400(client, health_staff, record):
    client.force_login(health_staff)
    tomorrow = (record.child.birth_date + timedelta(days=10_000)).isoformat()
    answer = client.post(url(record), body(record, measured_on=tomorrow), content_type="application/json")
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"measured_on"}


def test_the_same_day_twice_is_a_409(client, health_staff, record):
    client.force_login(health_staff)
    assert client.post(url(record), body(record), content_type="application/json").status_code == 201
    again = client.post(url(record), body(record, weight_kg="11.4"), content_type="application/json")
    assert again.status_code == 409
    assert set(again.json()["errors"]) == {"measured_on"}
    assert Measurement.objects.count() == 1


def test_an_empty_body_is_a_400(client, health_staff, record):
    client.force_login(health_staff)
    assert client.post(url(record), {}, content_type="application/json").status_code == 400


def _list_queries(client, record) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(record)).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_2_or_6_rows(client, enrol, health_institution, health_staff):
    records = []
    for rows in (2, 6):
        enrolment = enrol(health_institution, months=18)
        record = HealthRecord.objects.select_related("child").get(child=enrolment.child)
        for k in range(rows):
            measure(record, health_staff, days=300 + 30 * k)
        records.append(record)
    client.force_login(health_staff)
    _list_queries(client, records[0])  # warm the session and content-type caches
    assert _list_queries(client, records[0]) == _list_queries(client, records[1])
