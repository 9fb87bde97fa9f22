"""Every write of workforce, one module per subject; the public names are re-exported here.

staff.py: staff and certificates; rules.py and reminders.py: the rules as data and the expiry reminders;
training.py: courses, enrolment and attendance; experts.py: the expert pool.
"""

from .experts import expert_add, expert_reinstate, expert_retire, expert_update  # noqa: F401
from .reminders import expiry_reminders_send  # noqa: F401
from .rules import workforce_rules_load, workforce_rules_load_files, workforce_rules_loaded  # noqa: F401
from .staff import (  # noqa: F401
    certificate_add,
    certificate_remove,
    staff_add,
    staff_assign_class,
    staff_end,
    staff_reopen,
    staff_update,
)
from .training import (  # noqa: F401
    attendance_record,
    course_cancel,
    course_close,
    course_create,
    course_enrol,
    course_publish,
    course_update,
    course_withdraw,
)
