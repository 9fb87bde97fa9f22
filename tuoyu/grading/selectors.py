"""Reads of grading: who may open an assessment, the rubric by dimension, the public grades with their
dimension totals (a fixed number of queries whatever the rows), demonstration units, and the register's
fact "grading". Selectors never import services."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    CharField,
    DateTimeField,
    DecimalField,
    IntegerField,
    Prefetch,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast
from django.http import Http404

from tuoyu.accounts.capabilities import can_assess, can_manage_grading
from tuoyu.core.facts import institution_fact
from tuoyu.institutions.selectors import institutions_of

from .models import Assessment, DemonstrationLevel, DemonstrationUnit, Dimension, Rubric, RubricItem, Score
from .models import AssessmentStatus as S
from .workflow import PUBLIC

PAGE_SIZE = 30


def active_rubric() -> Rubric | None:
    return Rubric.objects.filter(active=True).first()


def rubric_dimensions(rubric: Rubric) -> list[Dimension]:
    """The rubric's dimensions with their items in order (two queries)."""
    return list(
        Dimension.objects.filter(rubric=rubric)
        .order_by("sort_order", "code")
        .prefetch_related(Prefetch("items", queryset=RubricItem.objects.order_by("sort_order", "code")))
    )


# --- who sees which assessment -----------------------------------------------------------------------


def assessments_for_user(user) -> QuerySet[Assessment]:
    """The health commission (the grading managers) sees every assessment; another assessor those they
    are named on; nobody else any."""
    qs = Assessment.objects.select_related("institution__unit", "rubric")
    if can_manage_grading(user):
        return qs
    if can_assess(user):
        return qs.filter(assessors=user)
    return qs.none()


def access_assessment_for_user(user, pk) -> Assessment:
    """The assessment if the user may open it, else 404 (never a 403 that says it exists)."""
    assessment = assessments_for_user(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def may_score(user, assessment: Assessment) -> bool:
    return assessment.status == S.DRAFT and assessment.assessors.filter(pk=user.pk).exists()


def institution_assessments(user) -> QuerySet[Assessment]:
    """The published (or reviewed) assessments of the institutions the person acts for."""
    return (
        Assessment.objects.filter(institution__in=institutions_of(user), status__in=PUBLIC)
        .select_related("institution", "rubric")
        .order_by("-published_at", "-id")
    )


def access_institution_assessment(user, pk) -> Assessment:
    assessment = institution_assessments(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


# --- scores by dimension -----------------------------------------------------------------------------


@dataclass
class DimensionTotal:
    code: str
    name: str
    points: Decimal  # scored
    maximum: int


def attach_dimension_totals(assessments: list[Assessment]) -> list[Assessment]:
    """Set `.dimension_totals` (a DimensionTotal per dimension of the rubric, in order) on each: two
    queries for any number of assessments."""
    if not assessments:
        return assessments
    rubric_ids = {a.rubric_id for a in assessments}
    dimensions = defaultdict(list)
    for dimension in Dimension.objects.filter(rubric_id__in=rubric_ids).order_by("sort_order", "code"):
        dimensions[dimension.rubric_id].append(dimension)
    sums = {
        (row["assessment_id"], row["item__dimension_id"]): row["total"] or Decimal("0")
        for row in Score.objects.filter(assessment__in=[a.pk for a in assessments], item__is_basic=False)
        .order_by()
        .values("assessment_id", "item__dimension_id")
        .annotate(total=Sum("points"))
    }
    for assessment in assessments:
        assessment.dimension_totals = [
            DimensionTotal(d.code, d.name, sums.get((assessment.pk, d.pk), Decimal("0")), d.points)
            for d in dimensions[assessment.rubric_id]
        ]
    return assessments


def score_sheet(assessment: Assessment) -> list[Dimension]:
    """The rubric's dimensions with each item's score (`item.score`, or None) and each dimension's
    scored total (`dimension.scored`), for the detail and the scoring form."""
    dimensions = rubric_dimensions(assessment.rubric)
    scores = {s.item_id: s for s in Score.objects.filter(assessment=assessment).select_related("scored_by")}
    for dimension in dimensions:
        dimension.scored = Decimal("0")
        for item in dimension.items.all():
            item.score = scores.get(item.pk)
            if item.score is not None and not item.is_basic and item.score.points is not None:
                dimension.scored += item.score.points
    return dimensions


# --- public ------------------------------------------------------------------------------------------

GRADE_NONE = "none"  # the public filter's value for 不予评级


def public_assessments(*, unit=None, grade: str = "") -> QuerySet[Assessment]:
    """Published results, newest first, filtered by street or town (the unit and below) and grade."""
    qs = (
        Assessment.objects.filter(status__in=PUBLIC)
        .select_related("institution__unit", "rubric")
        .order_by("-published_at", "-id")
    )
    if unit is not None:
        qs = qs.filter(institution__unit__path__startswith=unit.path)
    if grade == GRADE_NONE:
        qs = qs.filter(grade="")
    elif grade:
        qs = qs.filter(grade=grade)
    return qs


def public_assessment(pk) -> Assessment:
    assessment = public_assessments().filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def public_demonstration_units(*, level: str = "", year: int | None = None) -> QuerySet[DemonstrationUnit]:
    qs = DemonstrationUnit.objects.select_related("institution__unit").order_by(
        "-year", "level", "institution__name"
    )
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(year=year)
    return qs


def grade_choices() -> list[tuple[str, str]]:
    """The grades of the rubric in use, for the public filter, then 'no grade'."""
    rubric = active_rubric()
    bands = rubric.bands if rubric else []
    return [(band["grade"], f"{band['grade']}（{band['label']}）") for band in bands]


def band_label(assessment: Assessment) -> str:
    for band in assessment.rubric.bands:
        if band["grade"] == assessment.grade and assessment.grade:
            return band["label"]
    return ""


@institution_fact("grading")
def grading_of(institution_ids: list[int]) -> dict[int, dict]:
    """The latest public grade (grade, label, total, whether vetoed, date) and the demonstration titles of
    each institution: one query, the published assessments and the titles read together (a UNION)."""
    text = CharField()
    # No ORDER BY inside the UNION's parts (the models' default orderings): SQLite refuses one there.
    assessments = (
        Assessment.objects.filter(institution_id__in=institution_ids, status__in=PUBLIC)
        .order_by()
        .values_list(
            "institution_id",
            "pk",
            Value("a", output_field=text),
            Cast("grade", text),
            Value("", output_field=text),
            Cast("published_at", DateTimeField()),
            Cast("total", DecimalField(max_digits=6, decimal_places=1)),
            Cast("vetoed", IntegerField()),
        )
    )
    titles = (
        DemonstrationUnit.objects.filter(institution_id__in=institution_ids)
        .order_by()
        .values_list(
            "institution_id",
            "pk",
            Value("d", output_field=text),
            Cast("title", text),
            Cast("level", text),
            Value(None, output_field=DateTimeField()),
            Cast("year", DecimalField(max_digits=6, decimal_places=1)),
            Value(0, output_field=IntegerField()),
        )
    )
    facts: dict[int, dict] = {}
    for institution_id, pk, kind, label, level, at, number, vetoed in assessments.union(titles, all=True):
        fact = facts.setdefault(institution_id, {"grade": None, "demonstrations": []})
        if kind == "a":
            latest = fact["grade"]
            if latest is None or (at, pk) > (latest["published_at"], latest["id"]):
                fact["grade"] = {
                    "id": pk,
                    "grade": label,
                    "total": number,
                    "vetoed": bool(vetoed),
                    "published_at": at,
                }
        else:
            fact["demonstrations"].append(
                {
                    "year": int(number),
                    "level": level,
                    "level_label": DemonstrationLevel(level).label,
                    "title": label,
                }
            )
    for fact in facts.values():
        fact["demonstrations"].sort(key=lambda d: (-d["year"], d["level"]))
    return facts
