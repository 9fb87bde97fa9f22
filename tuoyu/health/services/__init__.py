"""Every write of the health app, one module per subject; the public names are re-exported here.

- records.py: open a record (at enrolment), the entry check, vaccinations, allergies, family doctor,
  the move to another institution with the guardian's consent.
- growth.py: record a measurement (z-scores and flags by growth.py at the app's root).
- checks.py: morning and midday checks for a class.
- alerts.py: raise outbreak alerts from the checks (rules.py), acknowledge and close them.
- rules.py: load the outbreak thresholds from data/.
"""

from .alerts import AlertsEvaluated, alert_acknowledge, alert_close, alerts_evaluate
from .checks import ChecksRecorded, check_day_error, checks_record, enrolled_children
from .growth import measurement_record, measurement_remove
from .records import (
    record_details,
    record_entry_check,
    record_open_for_enrolment,
    record_read,
    record_vaccination,
    records_listed,
    transfer_consent,
)
from .rules import outbreak_rules_load

__all__ = [
    "AlertsEvaluated",
    "ChecksRecorded",
    "alert_acknowledge",
    "alert_close",
    "alerts_evaluate",
    "check_day_error",
    "checks_record",
    "enrolled_children",
    "measurement_record",
    "measurement_remove",
    "outbreak_rules_load",
    "record_details",
    "record_entry_check",
    "record_open_for_enrolment",
    "record_read",
    "record_vaccination",
    "records_listed",
    "transfer_consent",
]
