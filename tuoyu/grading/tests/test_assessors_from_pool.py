"""Grading's assessors drawn from the expert pool (issue 13): only experts available for grading with an
assessor's account, never one who works at the institution; the seed, the pool and the drawn numbers are
kept on the assessment's note and re-check; fewer than two refuses with nothing saved."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.grading import services
from tuoyu.grading.models import Assessment, AssessmentEvent
from tuoyu.workforce.models import Expert


def _expert(n, *, role="guidance", employer=None, **fields):
    user = (
        User.objects.create_user(username=f"expert{n}", password="x-long-password", role=role)
        if role
        else None
    )
    return Expert.objects.create(
        code=f"ZJ-{n:04d}",
        name=f"专家{n}",
        field="care",
        title="主任医师",
        unit="区妇幼保健院",
        user=user,
        employer=employer,
        **fields,
    )


@pytest.fixture
def institution(make_institution):
    return make_institution(name="评级托育园")


@pytest.fixture
def pool(institution, make_institution):
    """Four experts who may be drawn, and four who may not: one works at the institution, one has no
    account, one an account of another role, one is not available for grading, one left the pool."""
    drawable = [_expert(n) for n in range(1, 5)]
    _expert(10, employer=institution)
    _expert(11, role=None)
    _expert(12, role="inst_operator")
    _expert(13, for_grading=False)
    _expert(14, active=False)
    _expert(15, employer=make_institution(name="别的托育园"))  # works elsewhere: may be drawn
    return drawable


def test_two_assessors_are_drawn_by_the_published_ranking_and_kept_on_the_note(
    rubric, manager, institution, pool
):
    assessment = services.assessment_create(
        institution=institution,
        by=manager,
        assessed_on=timezone.localdate(),
        draw_from_pool=True,
        seed="grading-seed",
    )
    eligible = sorted([e.code for e in pool] + ["ZJ-0015"])
    expected = sorted(
        eligible,
        key=lambda code: hashlib.sha256(
            f"grading-seed|assessor|{institution.pk}|{code}".encode()
        ).hexdigest(),
    )[:2]
    drawn = sorted(assessment.assessors.values_list("expert__code", flat=True))
    assert drawn == sorted(expected)
    note = AssessmentEvent.objects.get(assessment=assessment).note
    assert "grading-seed" in note and ", ".join(expected) in note and ", ".join(eligible) in note


def test_an_expert_working_at_the_institution_is_never_drawn_across_50_seeds(
    rubric, manager, institution, pool
):
    allowed = {e.user_id for e in pool} | {Expert.objects.get(code="ZJ-0015").user_id}
    for n in range(50):
        assessment = services.assessment_create(
            institution=institution,
            by=manager,
            assessed_on=timezone.localdate(),
            draw_from_pool=True,
            seed=f"seed-{n}",
        )
        chosen = set(assessment.assessors.values_list("pk", flat=True))
        assert len(chosen) == 2 and chosen <= allowed


def test_fewer_than_two_to_draw_from_is_refused_and_nothing_is_saved(rubric, manager, institution):
    _expert(1)
    _expert(2, employer=institution)
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(
            institution=institution, by=manager, assessed_on=timezone.localdate(), draw_from_pool=True
        )
    assert "assessors" in refused.value.message_dict
    assert not Assessment.objects.exists() and not AssessmentEvent.objects.exists()


def test_the_page_draws_from_the_pool(client, rubric, manager, institution, pool):
    client.force_login(manager)
    response = client.post(
        reverse("grading:assessment_new"),
        {
            "institution": institution.pk,
            "draw_from_pool": "on",
            "assessed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.assessors.count() == 2
    html = client.get(reverse("grading:assessment", args=[assessment.pk])).content.decode()
    assert "|assessor|" in html


def test_picking_the_assessors_by_hand_is_unchanged(rubric, manager, assessors, institution, pool):
    assessment = services.assessment_create(
        institution=institution, by=manager, assessors=assessors, assessed_on=timezone.localdate()
    )
    assert set(assessment.assessors.all()) == set(assessors)
    assert not AssessmentEvent.objects.filter(assessment=assessment).exists()
