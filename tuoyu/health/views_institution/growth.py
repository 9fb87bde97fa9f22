"""The health staff's page to record a growth measurement of a child whose record their institution keeps.
The record page (views_institution/records.py) shows the measurements, z-scores, flags and charts.

Another institution's record, or one that does not exist, is a 404 (`records_for` gives health staff only
their institution's records). Showing the form is a read of the record (the child's name and age): it
is written to the access log like the record page.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from tuoyu.accounts import capabilities
from tuoyu.accounts.models import AccessKind
from tuoyu.accounts.services import access_record
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import beijing_today

from .. import growth, services
from ..forms.growth import MeasurementForm
from ..models import HealthRecord
from ..selectors import may_write_record, records_for


def _writable(request, pk: int) -> HealthRecord:
    record = records_for(request.user).filter(pk=pk).first()
    if record is None or not may_write_record(request.user, record):
        raise Http404
    return record


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*capabilities.HEALTH_KEEPERS)
def measurement_new(request, pk: int):
    record = _writable(request, pk)
    child = record.child
    today = beijing_today()
    age_days = (today - child.birth_date).days
    # Lying down by default under 2 years (length), standing from 2 (height), as the WHO measures.
    initial = {"measured_on": today, "lying": age_days < growth.HEIGHT_FROM_DAYS}
    form = MeasurementForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                measurement = services.measurement_record(record=record, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if measurement.flags:
                    labels = pgettext("list separator", ", ").join(
                        str(growth.Flag(value).label) for value in measurement.flags
                    )
                    messages.warning(
                        request,
                        _("The measurement is saved. By the WHO standard: %(flags)s.") % {"flags": labels},
                    )
                else:
                    messages.success(request, _("The measurement is saved."))
                return redirect("health:record", pk=record.pk)
        status = 400
    else:
        access_record(
            user=request.user, kind=AccessKind.HEALTH_RECORD, obj=record, detail="form", request=request
        )
    latest = record.measurements.order_by("-measured_on", "-pk").first()
    context = {
        "record": record,
        "child": child,
        "age_months": int(max(age_days, 0) / growth.DAYS_PER_MONTH),
        "latest": latest,
        "form": form,
    }
    return render(request, "health/measurement_form.html", context, status=status)
