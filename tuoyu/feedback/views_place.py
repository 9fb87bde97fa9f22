"""Placing a report on the map from its case page: a hotline's report may come with an address only.
Kept apart from views_handle.py so the case page's one action with a point has its own small view."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.core.access import role_required

from . import services
from .forms_handle import PlaceForm
from .selectors import access_complaint_for_user
from .views_handle import VIEWERS


@role_required(*VIEWERS)
@require_POST
def handle_place(request, pk: int):
    complaint = access_complaint_for_user(request.user, pk)
    form = PlaceForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_place(
                complaint=complaint,
                lat=form.cleaned_data["lat"],
                lng=form.cleaned_data["lng"],
                by=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Placed on the map. The street or town follows from the point."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    # The case page shows the outcome either way; nothing else on it was filled in.
    return redirect("feedback:handle", pk=complaint.pk)
