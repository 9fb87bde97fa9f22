"""Every write of supervision, one module per subject; re-exported here."""

from .draws import draw_inputs, draw_plan, redraw_plan  # noqa: F401 (the draw: plans and draws)
from .inspecting import (  # noqa: E402,F401 (the inspector on site: helper "onsite")
    answers_save,
    checklist_load,
    checklist_load_file,
    inspection_sign,
    inspection_start,
    inspection_submit,
    photo_add,
)
from .plans import (  # noqa: F401
    declare_link,
    default_institutions,
    plan_cancel,
    plan_close,
    plan_create,
    plan_update,
)
from .publication import inspection_publish, publish_due, publish_due_on  # noqa: F401 (一公开: helper "publish")
from .rectification import (  # noqa: F401 (rectification, decisions, escalation: helper "rectify")
    escalate_overdue,
    evidence_accept,
    evidence_return,
    evidence_submit,
    reinspection_order,
    reinspection_record,
)
from .suspensions import suspension_lift, suspension_order  # noqa: F401
