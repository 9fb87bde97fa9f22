"""The demo seeding: synthetic, through the services, idempotent."""

import pytest
from django.core.management import call_command

from tuoyu.grading.models import Assessment, DemonstrationUnit, Rubric
from tuoyu.grading.models import AssessmentStatus as S

pytestmark = pytest.mark.django_db


def test_seed_grading_demo_runs_twice(kaizhou, make_institution, manager, reviewer, capsys):
    from tuoyu.institutions.models import Institution

    made = [make_institution().pk for _ in range(3)]
    Institution.objects.filter(pk__in=made).update(is_demo=True)
    call_command("seed_grading_demo")
    call_command("seed_grading_demo")
    assert Rubric.objects.filter(active=True).count() == 1
    grades = sorted(Assessment.objects.filter(status=S.PUBLISHED).values_list("grade", flat=True))
    assert grades == ["", "A", "B"]
    assert DemonstrationUnit.objects.filter(level="municipal").count() == 1
    assert "示例" in capsys.readouterr().out


def test_load_rubric_is_idempotent(db, capsys):
    call_command("load_rubric")
    call_command("load_rubric")
    assert Rubric.objects.count() == 1
    assert "already loaded" in capsys.readouterr().out
