"""Every write of the institutions app, one module per subject: the register (register.py), who acts
for an institution (members.py), the public page's photos (photos.py). The names are re-exported here so
`from tuoyu.institutions.services import …` keeps working."""

from .members import guard_member
from .photos import MAX_PHOTOS, institution_photo_add, institution_photo_remove
from .register import (
    ClassSpec,
    FeeSpec,
    institution_apply_change,
    institution_create,
    institution_grade_set,
    institution_refresh_totals,
    institution_transition,
    institution_validate,
)

__all__ = [
    "MAX_PHOTOS",
    "ClassSpec",
    "FeeSpec",
    "guard_member",
    "institution_apply_change",
    "institution_create",
    "institution_grade_set",
    "institution_photo_add",
    "institution_photo_remove",
    "institution_refresh_totals",
    "institution_transition",
    "institution_validate",
]
