"""The booking statistics page for government roles: aggregate numbers only, never a child or a family."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required

from . import selectors
from .models import ApplicationStatus


@role_required(*capabilities.GOVERNMENT)
def statistics(request):
    """Applications by status and children attending, per institution: numbers only, never a name."""
    rows = selectors.booking_statistics(request.user)
    keys = [f"n_{value}" for value in ApplicationStatus.values] + ["active"]
    columns = [ApplicationStatus(value).label for value in ApplicationStatus.values] + [_("Attending now")]
    for row in rows:
        row["cells"] = [row[key] for key in keys]
    totals = [sum(row[key] for row in rows) for key in keys]
    return render(
        request,
        "bookings/statistics.html",
        {"rows": rows, "columns": columns, "totals": totals},
    )
