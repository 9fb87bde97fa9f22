"""The health staff's morning and midday checks on a phone: their classes with today's checks done or
not, and a class's sheet (one card per child: present, absent with a reason, or ill with symptoms and the
temperature), saved at once. A class of another institution is a 404; a wrong `?day=` is a 400 with the
message next to the field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuoyu.accounts import capabilities
from tuoyu.core.access import role_required
from tuoyu.core.forms import add_service_errors
from tuoyu.core.workdays import beijing_today

from .. import services
from ..forms.checks import CheckSheetForm, SheetQueryForm
from ..models import Session
from ..selectors.checks import check_sheet as sheet_rows
from ..selectors.checks import checks_overview, classes_checked_by, open_alerts_of_class

KEEPERS = capabilities.HEALTH_KEEPERS


@role_required(*KEEPERS)
def checks(request):
    today = beijing_today()
    return render(
        request,
        "health/checks.html",
        {"classes": checks_overview(request.user, today), "today": today},
    )


def _sheet_url(class_id: int, day, session: str) -> str:
    return (
        reverse("health:check_sheet", args=[class_id])
        + "?"
        + urlencode({"day": day.isoformat(), "session": session})
    )


@role_required(*KEEPERS)
def check_sheet(request, class_id: int):
    class_group = classes_checked_by(request.user).filter(pk=class_id).first()
    if class_group is None:
        raise Http404
    # The form shows the day and check it stands for, today's morning when the link named none.
    data = request.GET.copy()
    data.setdefault("day", beijing_today().isoformat())
    data.setdefault("session", Session.MORNING)
    query = SheetQueryForm(data)
    context = {"class_group": class_group, "query": query, "sessions": Session.choices}
    if not query.is_valid():
        return render(request, "health/check_sheet.html", {**context, "form": None}, status=400)
    day, session = query.picked()
    day_error = services.check_day_error(day)
    if day_error:
        query.add_error("day", day_error)
        return render(request, "health/check_sheet.html", {**context, "form": None}, status=400)
    rows = sheet_rows(class_group, day, session)
    form = CheckSheetForm(request.POST or None, rows=rows)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                recorded = services.checks_record(
                    class_group=class_group, day=day, session=session, by=request.user, entries=form.entries()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The check is saved for %(count)d child.",
                        "The check is saved for %(count)d children.",
                        len(recorded.checks),
                    )
                    % {"count": len(recorded.checks)},
                )
                if recorded.raised:
                    messages.warning(
                        request,
                        _(
                            "An outbreak alert was raised: the health commission and the guidance centre are told."
                        ),
                    )
                return redirect(_sheet_url(class_group.pk, day, session))
        status = 400
    context.update(
        {
            "form": form,
            "day": day,
            "session": session,
            "session_label": Session(session).label,
            "checked": sum(1 for row in rows if row.check is not None),
            "alerts": open_alerts_of_class(class_group),
        }
    )
    return render(request, "health/check_sheet.html", context, status=status)
