"""What feedback forgets each day (core.retention runs this from `manage.py purge_retention`)."""

from datetime import datetime

from .services import lookup_attempts_forget


def purge(*, now: datetime) -> dict[str, int]:
    return {"failed 马上查 look-ups": lookup_attempts_forget(now=now)}
