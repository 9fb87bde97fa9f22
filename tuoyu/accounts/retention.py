"""What accounts forgets each day (core.retention runs this from `manage.py purge_retention`)."""

from datetime import datetime, timedelta

from tuoyu.core.retention import audit_cutoff

from .models import AccessLog, PhoneCode

# The sign-in code limit counts the codes of the last hour, so a code is kept that long even once used
# or expired; after that it says only that someone asked for a code.
PHONE_CODE_KEPT = timedelta(hours=1)


def purge(*, now: datetime) -> dict[str, int]:
    codes = PhoneCode.objects.filter(expires_at__lt=now, created_at__lt=now - PHONE_CODE_KEPT).delete()[0]
    reads = AccessLog.objects.filter(at__lt=audit_cutoff(now)).delete()[0]
    return {"sign-in codes": codes, "access log entries": reads}
