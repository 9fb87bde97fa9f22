"""Every write of workforce, one module per subject; the public names are re-exported here."""

# --- staff and certificates (services/staff.py) ---
from .staff import (  # noqa: F401
    certificate_add,
    certificate_remove,
    staff_add,
    staff_assign_class,
    staff_end,
    staff_reopen,
    staff_update,
)
# --- the rules as data and the reminders (services/rules.py, services/reminders.py) ---
# --- training (services/training.py) ---
# --- the expert pool (services/experts.py) ---
