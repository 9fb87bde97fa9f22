"""Grading (等级评定; plan §8 and §15) and demonstration units (示范单位).

A rubric is data: dimensions with points, items with points, and basic items (基本项) that veto the grade
when one is not met; the national quality assessment standard WS/T 821 gives seven dimensions (办托条件,
托育队伍, 保育照护, 卫生保健, 养育支持, 安全保障, 机构管理). Grades are bands of the total score, also data.
Assessors score an institution; the result and grade are published with the date; the institution may
ask once for a review of its grade.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuoyu.core.models import TransitionEvent


class Rubric(models.Model):
    name = models.CharField(_("name"), max_length=150)
    standard = models.CharField(_("standard"), max_length=100, blank=True)  # WS/T 821—2023
    version = models.CharField(_("version"), max_length=20)
    active = models.BooleanField(_("in use"), default=False)  # the one new assessments use
    # The grades as bands of the total, highest first: [{"grade": "A", "label": "优秀", "min": 90}, …].
    # A total under every band, or a basic item not met, gets no grade (不予评级).
    bands = models.JSONField(_("grade bands"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-active", "-created_at"]
        verbose_name = _("grading rubric")
        verbose_name_plural = _("grading rubrics")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_rubric"
            ),
            models.UniqueConstraint(fields=["name", "version"], name="rubric_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class Dimension(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="dimensions")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=50)
    points = models.PositiveSmallIntegerField(_("points"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["rubric", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["rubric", "code"], name="dimension_code_once")]

    def __str__(self) -> str:
        return self.name


class RubricItem(models.Model):
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=12)
    text = models.CharField(_("item"), max_length=300)
    # A scored item has points; a basic item (基本项) has none and is met or not: one not met vetoes the grade.
    points = models.PositiveSmallIntegerField(_("points"), default=0)
    is_basic = models.BooleanField(_("basic item (veto)"), default=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dimension", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="rubric_item_code_once"),
            models.CheckConstraint(
                condition=models.Q(is_basic=False) | models.Q(points=0), name="basic_item_has_no_points"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Being scored")  # assessors enter scores
    PUBLISHED = "published", _("Published")  # the result and grade are public with the date
    REVIEW_REQUESTED = "review", _("Review requested")  # the institution asked (once) for a review
    REVIEWED = "reviewed", _("Reviewed")  # the review is decided; its result is public
    CANCELLED = "cancelled", _("Cancelled")


class Assessment(models.Model):
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="assessments"
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments")
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assessments", verbose_name=_("assessors")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    total = models.DecimalField(_("total score"), max_digits=6, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)  # a band's grade, or blank: no grade
    vetoed = models.BooleanField(_("a basic item not met"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    review_reason = models.TextField(_("why a review is asked"), blank=True)
    review_requested_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.TextField(_("review outcome"), blank=True)
    grade_before_review = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.institution} {self.assessed_on or ''}".strip()


class AssessmentEvent(TransitionEvent):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, choices=AssessmentStatus.choices)
    to_status = models.CharField(max_length=10, choices=AssessmentStatus.choices)

    class Meta(TransitionEvent.Meta):
        pass


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    # A scored item: points from 0 to the item's points (halves allowed). A basic item: met or not.
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    met = models.BooleanField(_("met"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="score_once_per_item")]

    def __str__(self) -> str:
        return f"{self.item.code} {self.points if self.points is not None else self.met}"


class DemonstrationLevel(models.TextChoices):
    NATIONAL = "national", _("National")  # 全国
    MUNICIPAL = "municipal", _("Chongqing")  # 重庆市 (the plan's indicator 11 and the award of §11)
    DISTRICT = "district", _("District")  # 区级


class DemonstrationUnit(models.Model):
    """A demonstration title (示范单位) awarded to an institution, by year and level."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="demonstration_titles"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=10, choices=DemonstrationLevel.choices)
    title = models.CharField(_("title awarded"), max_length=100)  # 重庆市托育服务示范单位
    document_number = models.CharField(_("document number"), max_length=60, blank=True)  # 文号
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "level"]
        verbose_name = _("demonstration unit")
        verbose_name_plural = _("demonstration units")
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "level"], name="demonstration_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"
