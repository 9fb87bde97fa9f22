"""The health staff's page to record a measurement, and the growth section on the record page."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from tuoyu.accounts.models import AccessKind, AccessLog
from tuoyu.core.workdays import beijing_today
from tuoyu.health.models import HealthRecord, Measurement

from .test_growth_service import measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(enrol, health_institution, family):
    enrolment = enrol(health_institution, months=18, family=family)
    return HealthRecord.objects.select_related("child").get(child=enrolment.child)


def new_url(record) -> str:
    return reverse("health:measurement_new", args=[record.pk])


def form(**extra) -> dict:
    values = {
        "measured_on": beijing_today().isoformat(),
        "weight_kg": "11.2",
        "length_cm": "81.5",
        "lying": "on",
        "head_cm": "",
    }
    values.update(extra)
    return values


def test_the_form_defaults_to_today_and_lying_under_two(client, health_staff, record):
    client.force_login(health_staff)
    before = AccessLog.objects.filter(kind=AccessKind.HEALTH_RECORD, object_id=str(record.pk)).count()
    page = client.get(new_url(record))
    assert page.status_code == 200
    assert page.context["form"].initial == {"measured_on": beijing_today(), "lying": True}
    assert (
        AccessLog.objects.filter(kind=AccessKind.HEALTH_RECORD, object_id=str(record.pk)).count()
        == before + 1
    )


def test_saving_goes_back_to_the_record(client, health_staff, record):
    client.force_login(health_staff)
    answer = client.post(new_url(record), form())
    assert answer.status_code == 302
    assert answer["Location"] == reverse("health:record", args=[record.pk])
    measurement = Measurement.objects.get(record=record)
    assert measurement.lying is True and measurement.waz is not None


def test_a_weight_of_70_kg_is_shown_on_the_form_and_not_stored(client, health_staff, record):
    client.force_login(health_staff)
    answer = client.post(new_url(record), form(weight_kg="70"))
    assert answer.status_code == 400
    assert list(answer.context["form"].errors) == ["weight_kg"]
    assert not Measurement.objects.exists()


def test_an_empty_post_is_a_400(client, health_staff, record):
    client.force_login(health_staff)
    answer = client.post(new_url(record), {})
    assert answer.status_code == 400
    assert not Measurement.objects.exists()


def test_a_date_before_birth_is_shown_on_the_form(client, health_staff, record):
    client.force_login(health_staff)
    before_birth = (record.child.birth_date - timedelta(days=1)).isoformat()
    answer = client.post(new_url(record), form(measured_on=before_birth))
    assert answer.status_code == 400
    assert list(answer.context["form"].errors) == ["measured_on"]


def test_another_institutions_record_is_a_404(client, other_health_staff, record):
    client.force_login(other_health_staff)
    assert client.get(new_url(record)).status_code == 404
    assert client.post(new_url(record), form()).status_code == 404
    assert not Measurement.objects.exists()


@pytest.mark.parametrize("who", ["family", "operator", "child_health_officer"])
def test_only_health_staff_reach_the_form(request, client, record, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(new_url(record)).status_code == 403
    assert client.post(new_url(record), form()).status_code == 403


def test_the_growth_section_renders_the_table_flags_and_chart_json(client, health_staff, record):
    from django.template.loader import render_to_string

    from tuoyu.health.charts import growth_section

    measure(record, health_staff, days=365, weight="7.6", length="75.7")
    html = render_to_string(
        "health/includes/growth_chart.html", {"growth": growth_section(record, user=health_staff)}
    )
    assert 'data-flag="underweight"' in html
    assert 'data-chart="wfa"' in html and 'data-chart="lhfa"' in html
    assert 'id="growth-wfa-data"' in html
    assert new_url(record) in html
    start = html.index(">", html.index('id="growth-wfa-data"')) + 1
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["child"]["points"][0][1] == 7.6
    guardian_view = render_to_string("health/includes/growth_chart.html", {"growth": growth_section(record)})
    assert new_url(record) not in guardian_view
