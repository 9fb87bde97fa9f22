"""Who may read what, written once (the object rules), and reads worth naming.

- A record: its child's guardians (the child's family account), the health staff of the institution
  that keeps it (`HealthRecord.institution`), the commission's child-health officers. Nobody else, and
  a record outside the rule is a 404, never a 403, so ids cannot be probed.
- An alert: the institution's health staff and operator (with names), and the officials who follow
  alerts (without names).

Modules: records.py (the record pages' reads, the access log a guardian sees), checks.py (a class's
check sheet), alerts.py, summary.py (per institution, street or town, district; indicator 8).
"""

from django.db.models import QuerySet

from tuoyu.accounts import capabilities
from tuoyu.institutions.selectors import institutions_of

from ..models import HealthRecord, OutbreakAlert


# --- records: object rules ---
def records_for(user) -> QuerySet[HealthRecord]:
    """The records this person may read: the one rule every page, the API and the Excel ask."""
    records = HealthRecord.objects.select_related("child", "institution")
    if capabilities.is_child_health_officer(user):
        return records
    if capabilities.keeps_health_records(user):
        return records.filter(institution__in=institutions_of(user))
    if capabilities.is_family(user):
        return records.filter(child__family=user)
    return records.none()


def may_read_record(user, record: HealthRecord) -> bool:
    return records_for(user).filter(pk=record.pk).exists()


def may_write_record(user, record: HealthRecord) -> bool:
    """Only the keeping institution's health staff write (checks, growth); guardians and officers read."""
    return capabilities.keeps_health_records(user) and records_for(user).filter(pk=record.pk).exists()


# --- alerts: object rules ---
def alerts_for(user) -> QuerySet[OutbreakAlert]:
    alerts = OutbreakAlert.objects.select_related("institution", "class_group", "rule")
    if capabilities.follows_alerts_for_government(user):
        return alerts
    if capabilities.handles_alerts_for_institution(user):
        return alerts.filter(institution__in=institutions_of(user))
    return alerts.none()


def sees_case_names(user, alert: OutbreakAlert) -> bool:
    """Names of the children in an alert's case list stay inside the institution."""
    return capabilities.handles_alerts_for_institution(user) and alerts_for(user).filter(pk=alert.pk).exists()


def may_handle_alert(user, alert: OutbreakAlert) -> bool:
    """The institution's health staff and operator, and the commission's child-health officers, acknowledge
    and close an alert; the guidance centre and other commission roles follow it."""
    if capabilities.is_child_health_officer(user):
        return True
    return capabilities.handles_alerts_for_institution(user) and alerts_for(user).filter(pk=alert.pk).exists()
