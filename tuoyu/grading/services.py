"""Every write of grading (等级评定): the rubric from its data file, an assessment from creation to the
published grade and the institution's one review, and demonstration titles (示范单位).

Each service is keyword-only and one transaction; every input is checked before the first row is written,
so bad input leaves nothing half-saved. A status changes only through core.statemachine.transition.
"""

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuoyu.accounts.capabilities import ASSESSORS, can_assess, can_manage_grading
from tuoyu.core.statemachine import lock, refuse, transition
from tuoyu.core.workdays import add_workdays
from tuoyu.institutions.models import Institution, InstitutionStatus
from tuoyu.institutions.services import guard_member, institution_grade_set
from tuoyu.workforce.selectors.experts import experts_available

from .models import (
    Assessment,
    DemonstrationLevel,
    DemonstrationUnit,
    Dimension,
    Rubric,
    RubricItem,
    Score,
)
from .models import AssessmentStatus as S
from .workflow import WORKFLOW

RUBRIC_FILE = Path(__file__).resolve().parent / "data" / "wst821_rubric.json"
MIN_ASSESSORS = 2
# The institution may ask for a review within this many working days of publication (core.workdays).
REVIEW_WINDOW_WORKDAYS = 15
# What the register and the public pages say when a basic item is not met or the total is under every
# band: district data, in Chinese like the rubric it comes from.
NO_GRADE = "不予评级"
HALF = Decimal("0.5")


def _guard_manager(by) -> None:
    if not can_manage_grading(by):
        raise PermissionDenied


# --- the rubric --------------------------------------------------------------------------------------


def _rubric_errors(data: Mapping[str, Any]) -> list[str]:
    errors = []
    for key in ("name", "version", "bands", "dimensions"):
        if not data.get(key):
            errors.append(f"missing {key!r}")
    if errors:
        return errors
    total = 0
    for dimension in data["dimensions"]:
        scored = sum(int(item.get("points", 0)) for item in dimension["items"] if not item.get("basic"))
        if scored != int(dimension["points"]):
            errors.append(
                f"{dimension['code']}: items give {scored} points, the dimension {dimension['points']}"
            )
        if any(item.get("basic") and item.get("points") for item in dimension["items"]):
            errors.append(f"{dimension['code']}: a basic item has no points")
        total += int(dimension["points"])
    if total != 100:
        errors.append(f"the dimensions give {total} points, not 100")
    minimums = [band["min"] for band in data["bands"]]
    if minimums != sorted(minimums, reverse=True):
        errors.append("bands must be listed highest first")
    return errors


@transaction.atomic
def rubric_load(*, data: Mapping[str, Any]) -> tuple[Rubric, bool]:
    """Load a rubric (the dimensions, items and bands of `data`) and make it the one new assessments use.

    Idempotent by name and version: a rubric already loaded is only activated, never changed, because
    assessments may stand on it. A changed rubric is a new version. Returns (rubric, created)."""
    errors = _rubric_errors(data)
    if errors:
        raise ValueError("; ".join(errors))
    rubric = Rubric.objects.filter(name=data["name"], version=data["version"]).first()
    created = rubric is None
    if created:
        rubric = Rubric.objects.create(
            name=data["name"], standard=data.get("standard", ""), version=data["version"], bands=data["bands"]
        )
        for d_order, spec in enumerate(data["dimensions"]):
            dimension = Dimension.objects.create(
                rubric=rubric, code=spec["code"], name=spec["name"], points=spec["points"], sort_order=d_order
            )
            RubricItem.objects.bulk_create(
                RubricItem(
                    dimension=dimension,
                    code=item["code"],
                    text=item["text"],
                    points=0 if item.get("basic") else item["points"],
                    is_basic=bool(item.get("basic")),
                    sort_order=i_order,
                )
                for i_order, item in enumerate(spec["items"])
            )
    if not rubric.active:
        # One active rubric (a partial unique constraint): the old one steps down first.
        Rubric.objects.filter(active=True).update(active=False)
        rubric.active = True
        rubric.save(update_fields=["active"])
    return rubric, created


def rubric_load_file(path: str | Path = RUBRIC_FILE) -> tuple[Rubric, bool]:
    with open(path, encoding="utf-8") as handle:
        return rubric_load(data=json.load(handle))


def grade_for(rubric: Rubric, total: Decimal) -> dict | None:
    """The highest band the total reaches, or None (no grade)."""
    for band in sorted(rubric.bands, key=lambda b: b["min"], reverse=True):
        if total >= Decimal(str(band["min"])):
            return band
    return None


def grade_display(rubric: Rubric, grade: str) -> str:
    """ "A（优秀）" for a band's grade, NO_GRADE for none: what the register shows."""
    for band in rubric.bands:
        if band["grade"] == grade and grade:
            return f"{band['grade']}（{band['label']}）"
    return NO_GRADE


# --- assessments -------------------------------------------------------------------------------------


def assessor_pool(institution: Institution) -> list:
    """The experts who may be drawn to assess `institution`: available for grading, with an active
    account of an assessor's role, not working at the institution (回避); by expert number."""
    return list(
        experts_available("grading", exclude_employer=institution).filter(
            user__isnull=False, user__is_active=True, user__role__in=ASSESSORS
        )
    )


def assessor_key(seed: str, institution_id: int, code: str) -> str:
    return f"{seed}|assessor|{institution_id}|{code}"


def draw_assessors(
    *, seed: str, institution_id: int, codes: Iterable[str], count: int = MIN_ASSESSORS
) -> list:
    """The published draw of assessors: the expert numbers ranked by SHA-256 of
    "seed|assessor|institution id|expert number" (lowercase hex, smallest first); the first `count`.
    Anyone can re-check it from the seed and the pool kept on the assessment's note."""
    return sorted(
        set(codes),
        key=lambda code: (
            hashlib.sha256(assessor_key(seed, institution_id, code).encode()).hexdigest(),
            code,
        ),
    )[:count]


@transaction.atomic
def assessment_create(
    *,
    institution: Institution,
    by,
    assessors: Iterable = (),
    assessed_on: date,
    draw_from_pool: bool = False,
    seed: str | None = None,
) -> Assessment:
    """A new assessment of a filed institution against the rubric in use, by at least two assessors.

    With `draw_from_pool` the two assessors are drawn from the expert pool instead (`assessor_pool`,
    `draw_assessors`) and `assessors` is ignored; the seed, the pool and the drawn expert numbers are kept
    on the assessment's event note so anyone can re-check them. `seed` is for tests only: a real draw
    takes a fresh one."""
    _guard_manager(by)
    errors: dict[str, list[str]] = {}
    drawn_note = ""
    if draw_from_pool:
        seed = seed or secrets.token_hex(16)
        pool = {expert.code: expert for expert in assessor_pool(institution)}
        if len(pool) < MIN_ASSESSORS:
            errors["assessors"] = [
                _(
                    "Too few experts to draw from: %(count)d available for grading with an assessor's "
                    "account and not working at this institution; %(n)s are needed."
                )
                % {"count": len(pool), "n": MIN_ASSESSORS}
            ]
            assessors = []
        else:
            codes = draw_assessors(seed=seed, institution_id=institution.pk, codes=pool)
            assessors = [pool[code].user for code in codes]
            drawn_note = _(
                "Assessors drawn from the expert pool: seed %(seed)s; pool %(pool)s; drawn %(drawn)s "
                "(SHA-256 of seed|assessor|%(institution)s|expert number, smallest first)."
            ) % {
                "seed": seed,
                "pool": ", ".join(sorted(pool)),
                "drawn": ", ".join(codes),
                "institution": institution.pk,
            }
    assessors = list({user.pk: user for user in assessors}.values())
    if institution.status != InstitutionStatus.FILED:
        errors["institution"] = [_("Only a filed institution can be assessed.")]
    if "assessors" not in errors and len(assessors) < MIN_ASSESSORS:
        errors["assessors"] = [_("At least %(n)s assessors are needed.") % {"n": MIN_ASSESSORS}]
    not_assessors = [str(user) for user in assessors if not can_assess(user)]
    if not_assessors:
        errors.setdefault("assessors", []).append(
            _("Not an assessor: %(names)s.") % {"names": "、".join(not_assessors)}
        )
    if not assessed_on:
        errors["assessed_on"] = [_("Give the date of the assessment.")]
    rubric = Rubric.objects.filter(active=True).first()
    if rubric is None:
        errors["__all__"] = [_("No rubric is in use; load one first (manage.py load_rubric).")]
    if errors:
        raise ValidationError(errors)
    assessment = Assessment.objects.create(
        institution=institution, rubric=rubric, assessed_on=assessed_on, created_by=by
    )
    assessment.assessors.set(assessors)
    if drawn_note:
        WORKFLOW.record(obj=assessment, from_status=S.DRAFT, to_status=S.DRAFT, by=by, note=drawn_note)
    return assessment


def _is_assessor(user, assessment: Assessment) -> bool:
    return assessment.assessors.filter(pk=user.pk).exists()


def _parse_met(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "met", "是"):
        return True
    if text in ("no", "false", "0", "not_met", "否"):
        return False
    raise ValueError(text)


def _validated_scores(
    assessment: Assessment, scores: Mapping
) -> list[tuple[RubricItem, Decimal | None, bool | None]]:
    """Each given score checked against its item; every problem in one ValidationError (by item)."""
    items = {item.pk: item for item in RubricItem.objects.filter(dimension__rubric_id=assessment.rubric_id)}
    errors: dict[str, list[str]] = {}
    rows = []
    for key, raw in scores.items():
        try:
            item = items[int(key)]
        except (KeyError, TypeError, ValueError):
            errors.setdefault("__all__", []).append(_("An item that is not in this rubric was scored."))
            continue
        if raw is None or raw == "":
            continue  # not scored yet: a scorer may save one dimension at a time
        field = f"item_{item.pk}"
        if item.is_basic:
            try:
                rows.append((item, None, _parse_met(raw)))
            except ValueError:
                errors[field] = [_("%(code)s: answer met or not met.") % {"code": item.code}]
            continue
        try:
            points = Decimal(str(raw).strip())
        except InvalidOperation:
            points = None
        if points is None or not points.is_finite() or points < 0 or points > item.points or points % HALF:
            errors[field] = [
                _("%(code)s: give points from 0 to %(max)s, in steps of 0.5.")
                % {"code": item.code, "max": item.points}
            ]
            continue
        rows.append((item, points, None))
    if errors:
        raise ValidationError(errors)
    return rows


def _write_scores(assessment: Assessment, rows, by) -> None:
    now = timezone.now()
    for item, points, met in rows:
        Score.objects.update_or_create(
            assessment=assessment,
            item=item,
            defaults={"points": points, "met": met, "scored_by": by, "scored_at": now},
        )


@transaction.atomic
def scores_save(*, assessment: Assessment, by, scores: Mapping) -> Assessment:
    """Save scores {item id: points (0 to the item's points, in halves) or, for a basic item, met
    (True/False, "yes"/"no")}; a blank value leaves the item unscored. Only an assessor named on the
    assessment scores, and only while it is being scored."""
    locked = lock(WORKFLOW, assessment)
    if not _is_assessor(by, locked):
        raise PermissionDenied
    if locked.status != S.DRAFT:
        raise ValidationError(
            _("Scores can be changed only while the assessment is being scored."), code="status"
        )
    _write_scores(locked, _validated_scores(locked, scores), by)
    return locked


# A score counts once it holds its answer: points for a scored item, met or not for a basic one.
SCORED = Q(item__is_basic=True, met__isnull=False) | Q(item__is_basic=False, points__isnull=False)


def unscored_items(assessment: Assessment) -> list[RubricItem]:
    scored = Score.objects.filter(assessment=assessment).filter(SCORED).values_list("item_id", flat=True)
    return list(
        RubricItem.objects.filter(dimension__rubric_id=assessment.rubric_id)
        .exclude(pk__in=scored)
        .select_related("dimension")
        .order_by("dimension__sort_order", "sort_order", "code")
    )


def _result(assessment: Assessment) -> dict[str, Any]:
    """The total, whether a basic item vetoes the grade (and which), and the grade."""
    scores = list(Score.objects.filter(assessment=assessment).select_related("item"))
    total = sum((s.points for s in scores if not s.item.is_basic and s.points is not None), Decimal("0"))
    failed = sorted((s.item for s in scores if s.item.is_basic and s.met is False), key=lambda i: i.code)
    band = None if failed else grade_for(assessment.rubric, total)
    return {"total": total, "vetoed": bool(failed), "failed": failed, "grade": band["grade"] if band else ""}


def _result_note(result: dict[str, Any]) -> str:
    if result["failed"]:
        return _("%(no_grade)s: basic item not met: %(items)s") % {
            "no_grade": NO_GRADE,
            "items": "；".join(f"{i.code} {i.text}" for i in result["failed"]),
        }
    return _("Total %(total)s, grade %(grade)s") % {
        "total": result["total"],
        "grade": result["grade"] or NO_GRADE,
    }


@transaction.atomic
def assessment_publish(*, assessment: Assessment, by) -> Assessment:
    """Publish the result: refused while any item is unscored (they are listed). A basic item not met
    means no grade (不予评级); otherwise the grade is the highest band the total reaches. The register
    shows the grade from now on."""
    _guard_manager(by)
    locked = lock(WORKFLOW, assessment)
    if locked.status == S.DRAFT:
        missing = unscored_items(locked)
        if missing:
            raise ValidationError(
                _("Not yet scored: %(items)s.") % {"items": "、".join(item.code for item in missing)},
                code="unscored",
            )
    result = _result(locked)
    published = transition(
        WORKFLOW,
        locked,
        S.PUBLISHED,
        by=by,
        note=_result_note(result),
        changes={
            "total": result["total"],
            "vetoed": result["vetoed"],
            "grade": result["grade"],
            "published_at": timezone.now(),
        },
        locked=True,
    )
    institution_grade_set(
        institution=published.institution, grade=grade_display(published.rubric, published.grade), by=by
    )
    return published


@transaction.atomic
def assessment_cancel(*, assessment: Assessment, by, reason: str) -> Assessment:
    """Cancel an assessment still being scored (a wrong institution, an assessment that did not happen)."""
    _guard_manager(by)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the assessment is cancelled.")]})
    return transition(WORKFLOW, assessment, S.CANCELLED, by=by, note=reason.strip())


def review_deadline(assessment: Assessment) -> date | None:
    """The last day the institution may ask for a review: 15 working days after publication."""
    if assessment.published_at is None:
        return None
    return add_workdays(timezone.localdate(assessment.published_at), REVIEW_WINDOW_WORKDAYS)


@transaction.atomic
def review_request(*, assessment: Assessment, by, reason: str, on: date | None = None) -> Assessment:
    """The institution asks, once ever, for a review of its grade, within 15 working days of publication."""
    guard_member(assessment.institution_id, by)
    locked = lock(WORKFLOW, assessment)
    if locked.review_requested_at is not None:
        raise ValidationError(
            _("A review of this grade was already requested on %(date)s; a review can be asked only once.")
            % {"date": timezone.localdate(locked.review_requested_at).isoformat()},
            code="duplicate",
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why you ask for a review.")]})
    if locked.status == S.PUBLISHED:
        due = review_deadline(locked)
        today = on or timezone.localdate()
        if due is not None and today > due:
            raise ValidationError(
                _("A review can be asked within %(n)s working days of publication, that is by %(date)s.")
                % {"n": REVIEW_WINDOW_WORKDAYS, "date": due.isoformat()},
                code="expired",
            )
    return transition(
        WORKFLOW,
        locked,
        S.REVIEW_REQUESTED,
        by=by,
        note=reason.strip(),
        changes={"review_reason": reason.strip(), "review_requested_at": timezone.now()},
        locked=True,
    )


@transaction.atomic
def review_decide(
    *, assessment: Assessment, by, outcome: str, new_scores: Mapping | None = None
) -> Assessment:
    """Decide the review: the outcome in words and, where scores change, the new scores; the result is
    recomputed and published again, the grade before the review kept beside it."""
    _guard_manager(by)
    locked = lock(WORKFLOW, assessment)
    if not outcome.strip():
        raise ValidationError({"outcome": [_("Say what the review found.")]})
    if not WORKFLOW.can(locked.status, S.REVIEWED):
        # Checked before the scores are written, so a refused decision changes nothing.
        raise refuse(locked.status, S.REVIEWED, model=Assessment)
    rows = _validated_scores(locked, new_scores or {})
    before = {"grade": locked.grade, "total": locked.total}
    _write_scores(locked, rows, by)
    result = _result(locked)
    reviewed = transition(
        WORKFLOW,
        locked,
        S.REVIEWED,
        by=by,
        note=_("%(outcome)s (before the review: total %(total)s, grade %(grade)s)")
        % {"outcome": outcome.strip(), "total": before["total"], "grade": before["grade"] or NO_GRADE},
        changes={
            "review_outcome": outcome.strip(),
            "grade_before_review": before["grade"],
            "total": result["total"],
            "vetoed": result["vetoed"],
            "grade": result["grade"],
            "published_at": timezone.now(),
        },
        locked=True,
    )
    institution_grade_set(
        institution=reviewed.institution, grade=grade_display(reviewed.rubric, reviewed.grade), by=by
    )
    return reviewed


# --- demonstration units -----------------------------------------------------------------------------


@transaction.atomic
def demonstration_record(
    *, institution: Institution, year: int, level: str, title: str, document_number: str = "", by
) -> DemonstrationUnit:
    """Record a demonstration title (示范单位) awarded to an institution: once per institution, year and
    level."""
    _guard_manager(by)
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= this_year + 1:
        errors["year"] = [_("Give a year from 2000 to %(max)s.") % {"max": this_year + 1}]
    if level not in DemonstrationLevel.values:
        errors["level"] = [_("Choose a level.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the title as awarded.")]
    if institution.status == InstitutionStatus.DRAFT:
        errors["institution"] = [_("Only an institution on the register can be a demonstration unit.")]
    if errors:
        raise ValidationError(errors)
    duplicate = ValidationError(
        _("%(name)s is already recorded as a %(level)s demonstration unit for %(year)s.")
        % {"name": institution.name, "level": DemonstrationLevel(level).label, "year": year},
        code="duplicate",
    )
    if DemonstrationUnit.objects.filter(institution=institution, year=year, level=level).exists():
        raise duplicate
    try:
        with transaction.atomic():  # two recorders at once: the constraint decides, with the same message
            return DemonstrationUnit.objects.create(
                institution=institution,
                year=year,
                level=level,
                title=title.strip(),
                document_number=(document_number or "").strip(),
                recorded_by=by,
            )
    except IntegrityError:
        raise duplicate from None
