"""Grading's fixtures: the rubric from its data file, a manager, two assessors of the guidance centre,
and a factory for assessments scored to a chosen share of each item's points."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tuoyu.grading import services
from tuoyu.grading.models import RubricItem


@pytest.fixture
def rubric(db):
    rubric, _created = services.rubric_load_file()
    return rubric


@pytest.fixture
def manager(kaizhou):
    from tuoyu.accounts.models import User
    from tuoyu.regions.models import Department

    return User.objects.create_user(
        username="hcadmin",
        password="x-long-password",
        role="hc_admin",
        department=Department.objects.get(code="KZ-WJW"),
    )


@pytest.fixture
def assessors(db):
    from tuoyu.accounts.models import User

    return [
        User.objects.create_user(username=f"guidance{n}", password="x-long-password", role="guidance")
        for n in (1, 2)
    ]


@pytest.fixture
def outsider_assessor(db):
    from tuoyu.accounts.models import User

    return User.objects.create_user(username="guidance9", password="x-long-password", role="guidance")


def full_scores(rubric, *, share=Decimal("1"), basic=True, failed_basic=()):
    """Every item scored: share of its points (rounded to halves); basic items met unless listed."""
    scores = {}
    for item in RubricItem.objects.filter(dimension__rubric=rubric):
        if item.is_basic:
            scores[item.pk] = basic and item.code not in failed_basic
        else:
            scores[item.pk] = (item.points * share * 2).quantize(Decimal("1")) / 2
    return scores


@pytest.fixture
def make_assessment(rubric, manager, assessors, make_institution):
    def make(*, institution=None, share=None, failed_basic=(), publish=False):
        institution = institution or make_institution()
        assessment = services.assessment_create(
            institution=institution,
            by=manager,
            assessors=assessors,
            assessed_on=timezone.localdate() - timedelta(days=3),
        )
        if share is not None:
            services.scores_save(
                assessment=assessment,
                by=assessors[0],
                scores=full_scores(rubric, share=share, failed_basic=failed_basic),
            )
        if publish:
            assessment = services.assessment_publish(assessment=assessment, by=manager)
        return assessment

    return make


@pytest.fixture
def member(operator):
    """The operator acts for the institutions it is made a member of (member(institution))."""
    from tuoyu.institutions.models import InstitutionMembership

    def add(institution, user=operator):
        InstitutionMembership.objects.get_or_create(institution=institution, user=user)
        return user

    return add
