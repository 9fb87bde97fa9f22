"""The plan's page says when each drawn result is due for publication, and the lead department publishes
a submitted one from there before its 20 working days are up."""

import pytest

from tuoyu.inspections.tests.test_publication import make_result


@pytest.mark.django_db
def test_the_plan_page_publishes_a_submitted_result(client, plan, roster):
    institution = plan.institutions.order_by("pk").first()
    inspection = make_result(plan, institution)
    client.force_login(roster[0].user)  # an officer of the lead department
    url = f"/inspections/plans/{plan.pk}/"

    page = client.get(url).content.decode()
    assert f'action="/inspections/results/{inspection.pk}/publish/"' in page

    response = client.post(f"/inspections/results/{inspection.pk}/publish/", {"next": url})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.published_at is not None
    page = client.get(url).content.decode()
    assert f'action="/inspections/results/{inspection.pk}/publish/"' not in page
    assert f'href="/inspections/results/{inspection.pk}/"' in page


@pytest.mark.django_db
def test_an_officer_of_a_department_taking_part_sees_no_publish_button(client, plan, roster):
    institution = plan.institutions.order_by("pk").first()
    inspection = make_result(plan, institution)
    plan.departments.add(roster[2].department)  # joint, but not the lead
    client.force_login(roster[2].user)
    page = client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    assert f'data-inspection="{inspection.pk}"' in page
    assert "/publish/" not in page
