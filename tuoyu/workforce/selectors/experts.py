"""Reads of the expert pool (专家库), for the commission's pages and for the apps that draw from it.

Other apps import from here (the import contract lets inspections, grading and guidance read workforce,
never the other way round): `experts_available(purpose)` is the one way to ask "who may be drawn".
"""

from django.db.models import QuerySet

from tuoyu.core.validators import mask_middle

from ..models import Expert

# What an expert can be drawn for, and the flag on Expert that says they are available for it.
PURPOSES = {
    "inspection": "for_inspection",
    "grading": "for_grading",
    "guidance": "for_guidance",
}


def experts_available(purpose: str, *, exclude_employer=None) -> QuerySet[Expert]:
    """The experts who may be drawn or invited for `purpose` today: in the pool (`active`) and available
    for it. `purpose` is one of "inspection" (the 双随机 draw of inspections, issue 12), "grading" (the
    two assessors of an assessment) or "guidance" (guidance activities, issue 16); any other value raises
    ValueError.

    `exclude_employer` (an Institution or its id) leaves out the experts who work at or for it (回避):
    pass the institution the experts are drawn for. Ordered by code, the experts' public identifier,
    which is the order a published draw lists them in. The account (`user`) and the employer are
    selected with the rows; the mobile number is personal: show it only as `masked_mobile(expert)`.
    """
    try:
        flag = PURPOSES[purpose]
    except KeyError:
        raise ValueError(f"unknown purpose {purpose!r}; one of {sorted(PURPOSES)}") from None
    qs = Expert.objects.filter(active=True, **{flag: True}).select_related("user", "employer")
    if exclude_employer is not None:
        qs = qs.exclude(employer=getattr(exclude_employer, "pk", exclude_employer))
    return qs.order_by("code")


def expert_list(*, field: str = "", purpose: str = "", active: str = "") -> QuerySet[Expert]:
    """The commission's list, filtered: `field` an ExpertField value, `purpose` one of PURPOSES (available
    for it), `active` "1" (in the pool), "0" (left it) or "" (everyone). Two queries whatever the rows
    (the rows, with their employer and account joined)."""
    qs = Expert.objects.select_related("employer", "user")
    if field:
        qs = qs.filter(field=field)
    if purpose in PURPOSES:
        qs = qs.filter(**{PURPOSES[purpose]: True})
    if active == "1":
        qs = qs.filter(active=True)
    elif active == "0":
        qs = qs.filter(active=False)
    return qs.order_by("code")


def masked_mobile(expert: Expert) -> str:
    """The mobile number as every page and export shows it: 138****8000."""
    return mask_middle(expert.mobile) if expert.mobile else ""
