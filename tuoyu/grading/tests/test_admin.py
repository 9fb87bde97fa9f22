"""The admin: a rubric that assessments stand on is read-only (a change is a new version); assessments,
scores and demonstration units are read-only there, every write being a service's."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tuoyu.grading.models import RubricItem

pytestmark = pytest.mark.django_db


def test_a_rubric_in_use_is_read_only(admin_client, rubric, make_assessment):
    url = reverse("admin:grading_rubric_change", args=[rubric.pk])
    assert 'name="version"' in admin_client.get(url).content.decode()  # editable while nothing stands on it
    assessment = make_assessment(share=Decimal("1"), publish=True)
    html = admin_client.get(url).content.decode()
    assert 'name="version"' not in html and 'name="dimensions-0-points"' not in html
    item = RubricItem.objects.filter(dimension__rubric=rubric).first()
    html = admin_client.get(reverse("admin:grading_rubricitem_change", args=[item.pk])).content.decode()
    assert 'name="points"' not in html
    html = admin_client.get(reverse("admin:grading_assessment_change", args=[assessment.pk])).content.decode()
    assert 'name="grade"' not in html
    for name in ("rubric", "rubricitem", "assessment", "assessmentevent", "demonstrationunit"):
        assert admin_client.get(reverse(f"admin:grading_{name}_changelist")).status_code == 200
