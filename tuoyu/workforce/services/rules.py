"""Loading the workforce rules from data (`tuoyu/workforce/data/`): the certificate kinds and which count for
which post (`certificate_kinds.json`), the staffing standard with its ratios and health staff rules, and the
yearly training hours (`staffing_standard.json`).

Idempotent: a second load changes nothing. A kind is created or updated by its code (an administrator's
new kinds stay); a post rule is added, never removed; a standard already loaded for its `effective_from` is
left as it is (a change is a new version with a new date, so a check on an earlier day keeps that day's
rules); a training requirement is added by post and year. Everything is checked before the first row is
written: a bad file raises ValueError and leaves nothing.
"""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from tuoyu.institutions.models import AgeGroup

from ..models import (
    CertificateCategory,
    CertificateKind,
    HealthStaffRule,
    Post,
    PostCertification,
    RatioRule,
    StaffingStandard,
    TrainingRequirement,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
KINDS_FILE = DATA_DIR / "certificate_kinds.json"
STANDARD_FILE = DATA_DIR / "staffing_standard.json"


@dataclass(frozen=True)
class RulesLoaded:
    """What one load wrote: rows created (kinds updated in place are not counted)."""

    kinds: int = 0
    post_rules: int = 0
    standards: int = 0
    training: int = 0

    @property
    def created(self) -> int:
        return self.kinds + self.post_rules + self.standards + self.training


def _positive_int(value, *, allow_none=False) -> bool:
    if value is None:
        return allow_none
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_kinds(data: dict) -> tuple[list[dict], dict[str, list[str]]]:
    errors, kinds, seen = [], [], set()
    for index, row in enumerate(data.get("kinds") or [], start=1):
        code = str(row.get("code") or "").strip()
        problems = []
        if not code or code in seen:
            problems.append("missing or repeated code")
        if not str(row.get("name") or "").strip():
            problems.append("no name")
        if row.get("category") not in CertificateCategory.values:
            problems.append(f"unknown category {row.get('category')!r}")
        level = row.get("level")
        if level is not None and (not _positive_int(level) or not 1 <= level <= 5):
            problems.append("level must be 1 to 5")
        if not _positive_int(row.get("validity_months"), allow_none=True):
            problems.append("validity_months must be a whole number")
        if problems:
            errors.append(f"kind {index} ({code or '?'}): {', '.join(problems)}")
            continue
        seen.add(code)
        kinds.append(
            {
                "code": code,
                "name": row["name"].strip(),
                "category": row["category"],
                "level": level,
                "validity_months": row.get("validity_months"),
                "active": bool(row.get("active", True)),
                "sort_order": index,
            }
        )
    posts = data.get("posts") or {}
    for post, codes in posts.items():
        if post not in Post.values:
            errors.append(f"unknown post {post!r}")
        known = seen | set(CertificateKind.objects.filter(code__in=codes).values_list("code", flat=True))
        for code in codes:
            if code not in known:
                errors.append(f"post {post}: unknown kind {code!r}")
    if errors:
        raise ValueError("; ".join(errors))
    return kinds, posts


def _date(value, label) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{label}: {value!r} is not a date (YYYY-MM-DD)") from None


def _decimal(value, label) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{label}: {value!r} is not a number") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"{label}: {value!r} is not a number of at least 0")
    return number


def _check_standards(data: dict) -> tuple[list[dict], list[dict]]:
    errors, standards = [], []
    for index, row in enumerate(data.get("standards") or [], start=1):
        label = f"standard {index}"
        try:
            effective = _date(row.get("effective_from"), label)
            weight = _decimal(row.get("part_time_weight", "0.5"), f"{label} part_time_weight")
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if not str(row.get("name") or "").strip():
            errors.append(f"{label}: no name")
        if weight > 1:
            errors.append(f"{label}: part_time_weight above 1")
        months = row.get("health_check_valid_months", 12)
        if not _positive_int(months) or months < 1:
            errors.append(f"{label}: health_check_valid_months must be a whole number of at least 1")
        ratios = row.get("ratios") or {}
        for group, per in ratios.items():
            if group not in AgeGroup.values:
                errors.append(f"{label}: unknown age group {group!r}")
            if not _positive_int(per) or per < 1:
                errors.append(f"{label}: children per carer for {group} must be a whole number of at least 1")
        health = row.get("health_staff") or []
        for number, rule in enumerate(health, start=1):
            low, high = rule.get("min_children"), rule.get("max_children")
            required, full = rule.get("required"), rule.get("full_time_required", 0)
            if not (_positive_int(low) and _positive_int(high, allow_none=True) and _positive_int(required)):
                errors.append(f"{label} health rule {number}: whole numbers needed")
            elif (high is not None and high < low) or not _positive_int(full) or full > required:
                errors.append(f"{label} health rule {number}: inconsistent numbers")
        standards.append(
            {
                "name": str(row.get("name") or "").strip(),
                "source": str(row.get("source") or ""),
                "effective_from": effective,
                "part_time_weight": weight,
                "health_check_valid_months": months,
                "background_check_required": bool(row.get("background_check_required", True)),
                "ratios": ratios,
                "health": health,
            }
        )
    training = []
    for index, row in enumerate(data.get("training") or [], start=1):
        post = row.get("post", "")
        year = row.get("effective_year")
        if post and post not in Post.values:
            errors.append(f"training {index}: unknown post {post!r}")
        if not _positive_int(year) or year < 2000:
            errors.append(f"training {index}: effective_year must be a year")
        try:
            hours = _decimal(row.get("hours"), f"training {index} hours")
        except ValueError as exc:
            errors.append(str(exc))
            continue
        training.append({"post": post, "effective_year": year, "hours": hours})
    if errors:
        raise ValueError("; ".join(errors))
    return standards, training


def workforce_rules_load(*, kinds_data: dict, standard_data: dict) -> RulesLoaded:
    """Load both files' contents in one transaction; see the module's docstring for what changes."""
    kinds, posts = _check_kinds(kinds_data)
    standards, training = _check_standards(standard_data)
    created = {"kinds": 0, "post_rules": 0, "standards": 0, "training": 0}
    with transaction.atomic():
        by_code = {}
        for row in kinds:
            code = row.pop("code")
            kind, made = CertificateKind.objects.update_or_create(code=code, defaults=row)
            by_code[code] = kind
            created["kinds"] += made
        for kind in CertificateKind.objects.exclude(code__in=by_code):
            by_code[kind.code] = kind
        for post, codes in posts.items():
            for code in codes:
                _rule, made = PostCertification.objects.get_or_create(post=post, kind=by_code[code])
                created["post_rules"] += made
        for row in standards:
            if StaffingStandard.objects.filter(effective_from=row["effective_from"]).exists():
                continue
            standard = StaffingStandard.objects.create(
                name=row["name"],
                source=row["source"],
                effective_from=row["effective_from"],
                part_time_weight=row["part_time_weight"],
                health_check_valid_months=row["health_check_valid_months"],
                background_check_required=row["background_check_required"],
            )
            RatioRule.objects.bulk_create(
                RatioRule(standard=standard, age_group=group, children_per_carer=per)
                for group, per in row["ratios"].items()
            )
            HealthStaffRule.objects.bulk_create(
                HealthStaffRule(
                    standard=standard,
                    min_children=rule["min_children"],
                    max_children=rule.get("max_children"),
                    required=rule["required"],
                    full_time_required=rule.get("full_time_required", 0),
                )
                for rule in row["health"]
            )
            created["standards"] += 1
        for row in training:
            _requirement, made = TrainingRequirement.objects.get_or_create(
                post=row["post"], effective_year=row["effective_year"], defaults={"hours": row["hours"]}
            )
            created["training"] += made
    return RulesLoaded(**created)


def _read(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object")
    return data


def workforce_rules_load_files(
    *, kinds_path: str | Path = KINDS_FILE, standard_path: str | Path = STANDARD_FILE
):
    """Load the data files (by default the project's own)."""
    return workforce_rules_load(kinds_data=_read(kinds_path), standard_data=_read(standard_path))


def workforce_rules_loaded() -> bool:
    """Whether a standard and some certificate kinds are loaded (a demo loads the files when not)."""
    return StaffingStandard.objects.exists() and CertificateKind.objects.exists()
