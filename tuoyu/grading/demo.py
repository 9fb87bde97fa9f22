"""Synthetic grading for the demo (every result is 示例 data, made through the services): the rubric,
three demo institutions assessed and published (one graded A, one B, one 不予评级 because a basic item is
not met) and one Chongqing demonstration unit."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.institutions.models import Institution, InstitutionStatus

from . import services
from .models import Assessment, DemonstrationLevel, DemonstrationUnit, RubricItem

# The share of each item's points the demo assessors give: about 95, 85 and (with a basic item not met) 75.
PROFILES = (("A", Decimal("0.95"), True), ("B", Decimal("0.85"), True), ("veto", Decimal("0.75"), False))


def _points(item: RubricItem, share: Decimal) -> Decimal:
    return (item.points * share * 2).quantize(Decimal("1")) / 2


@transaction.atomic
def seed_grading() -> list[tuple[str, str, str]]:
    """Returns (institution, grade, total) rows for the console; what exists already is left alone."""
    rubric, _created = services.rubric_load_file()
    manager = User.objects.filter(username="hcadmin").first()
    second = User.objects.filter(username="reviewer").first()
    institutions = list(
        Institution.objects.filter(is_demo=True, status=InstitutionStatus.FILED).order_by("id")[
            : len(PROFILES)
        ]
    )
    if manager is None or second is None or len(institutions) < len(PROFILES):
        return []
    if not Assessment.objects.filter(institution__in=institutions).exists():
        items = list(RubricItem.objects.filter(dimension__rubric=rubric))
        assessed_on = timezone.localdate() - timedelta(days=7)
        for institution, (_name, share, basic_met) in zip(institutions, PROFILES, strict=True):
            assessment = services.assessment_create(
                institution=institution, by=manager, assessors=[manager, second], assessed_on=assessed_on
            )
            scores = {}
            for item in items:
                if item.is_basic:
                    # The demo's 不予评级: its fire acceptance (消防验收) is not met.
                    scores[item.pk] = basic_met or not item.code.startswith("D6.B1")
                else:
                    scores[item.pk] = _points(item, share)
            services.scores_save(assessment=assessment, by=manager, scores=scores)
            services.assessment_publish(assessment=assessment, by=manager)
    first = institutions[0]
    year = timezone.localdate().year
    if not DemonstrationUnit.objects.filter(
        institution=first, year=year, level=DemonstrationLevel.MUNICIPAL
    ).exists():
        services.demonstration_record(
            institution=first,
            year=year,
            level=DemonstrationLevel.MUNICIPAL,
            title="重庆市托育服务示范单位（示例）",
            document_number=f"示例〔{year}〕1号",
            by=manager,
        )
    return [
        (a.institution.name, a.grade or services.NO_GRADE, str(a.total))
        for a in Assessment.objects.filter(institution__in=institutions)
        .select_related("institution")
        .order_by("id")
    ]
