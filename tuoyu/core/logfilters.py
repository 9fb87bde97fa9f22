"""Filters for the LOGGING configuration (config/settings/base.py)."""

import logging


class TracebackOnlyForServerErrors(logging.Filter):
    """Keep the traceback of a 500, drop it from a 4xx. Django logs a refused permission (403) with the
    PermissionDenied it caught; that stack says nothing an operator needs and would bury the real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
