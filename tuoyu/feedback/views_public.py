"""The public pages of feedback: complaints and reports (投诉举报, 群众"投诉举报马上查"), the published
reviews of an institution and the public complaint statistics. Views parse, authorise and render; every
write is a service in services/.

Anyone may report, signed in or not. Whoever holds a tracking number and its query code may follow the
case: a successful look-up puts the case in the visitor's session ("feedback_tracked"), and every page
and photo of a case is served only to a session holding it. Nothing here ever shows who reported; the
reviews carry a label in place of the reviewer, the statistics counts only."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tuoyu.accounts import capabilities
from tuoyu.core.access import public
from tuoyu.core.excel import xlsx_response
from tuoyu.core.files import EXTENSIONS, serve_private
from tuoyu.core.forms import add_service_errors
from tuoyu.core.http import client_ip
from tuoyu.institutions.forms import map_picker_settings
from tuoyu.institutions.models import Institution
from tuoyu.institutions.selectors import public_institutions

from . import reviews, selectors, services, stats, workflow
from .forms import AddInformationForm, RateForm, ReportForm, TrackForm, new_key
from .models import Complaint, ComplaintPhoto, ComplaintStatus, EventKind
from .selectors import today

SESSION_FILED = "feedback_filed"  # the number and code of the report just filed, shown once


SESSION_TRACKED = "feedback_tracked"  # pks of the cases this visitor looked up with their code


MAX_TRACKED = 20


# Timeline entries whose note is meant for the reporter; other notes (a rating's word) add nothing.
NOTE_KINDS = frozenset(
    {
        EventKind.ANSWERED,
        EventKind.REASSIGNED,
        EventKind.MERGED,
        EventKind.INSTITUTION_REPLIED,
        EventKind.INFO_ADDED,
        EventKind.REOPENED,
    }
)


# The service names a few errors after its own arguments; these are the form's fields for them.
SERVICE_FIELDS = {"happened_at": "happened_date", "lng": "lat", "institution": None}


def _show_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = SERVICE_FIELDS.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        add_service_errors(form, exc)


def _filed_institution(raw) -> Institution | None:
    raw = str(raw or "").strip()
    if not raw.isdigit():
        return None
    return public_institutions().select_related("unit").filter(pk=int(raw)).first()


def _idempotency_key(request, form_key: str) -> str:
    """The form's key bound to this browser's CSRF secret: a double click files one report, while a key
    copied from someone else's page never returns their tracking number and query code."""
    if not form_key:
        return ""
    get_token(request)  # makes sure the browser has a secret
    secret = request.META.get("CSRF_COOKIE", "")
    return salted_hmac("tuoyu.feedback.report", f"{secret}:{form_key}", algorithm="sha256").hexdigest()


def _remember(request, complaint: Complaint) -> None:
    tracked = [pk for pk in request.session.get(SESSION_TRACKED, []) if pk != complaint.pk]
    request.session[SESSION_TRACKED] = [*tracked, complaint.pk][-MAX_TRACKED:]


def _tracked(request, number: str) -> Complaint | None:
    """The case with this number, only if this visitor's session looked it up with its query code."""
    pks = request.session.get(SESSION_TRACKED, [])
    if not pks:
        return None
    return (
        Complaint.objects.select_related("institution", "department", "merged_into")
        .filter(tracking_number=number, pk__in=pks)
        .first()
    )


def group_code(code: str) -> str:
    """1234 5678: easier to read out and to copy down."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


@public
def report(request):
    source = request.POST if request.method == "POST" else request.GET
    institution = _filed_institution(source.get("institution"))
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES)
        if source.get("institution") and institution is None:
            form.add_error(None, _("This institution is not in the public register."))
        if form.is_valid():
            data = form.cleaned_data
            anonymous = data["anonymous"]
            user = request.user
            try:
                filed = services.complaint_file(
                    category=data["category"],
                    description=data["description"],
                    institution=institution,
                    # A filed institution is its own place: stray map fields are not kept with it.
                    place_name="" if institution else data["place_name"],
                    address="" if institution else data["address"],
                    lat=None if institution else data["lat"],
                    lng=None if institution else data["lng"],
                    happened_at=data["happened_at"],
                    anonymous=anonymous,
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    reporter=user if not anonymous and capabilities.is_family(user) else None,
                    photos=data["photos"],
                    idempotency_key=_idempotency_key(request, data["key"]),
                    sms_phone=data["sms_phone"] if anonymous else "",
                )
            except ValidationError as exc:
                _show_errors(form, exc)
            else:
                complaint = filed.complaint
                request.session[SESSION_FILED] = {
                    "pk": complaint.pk,
                    "number": complaint.tracking_number,
                    "code": filed.query_code,
                    # Whether an SMS carries them: to the named reporter's mobile or the number an
                    # anonymous reporter typed for it (which is kept nowhere, not even here).
                    "sms": bool(complaint.reporter_phone or (anonymous and data["sms_phone"])),
                }
                # The reporter may follow the case at once, without typing the code back.
                _remember(request, complaint)
                return redirect("feedback:report_done")
    else:
        initial = {"institution": institution.pk if institution else None, "key": new_key()}
        if capabilities.is_family(request.user) and request.user.phone:
            initial["reporter_phone"] = request.user.phone
        form = ReportForm(initial=initial)
    # A filed institution can be found by name from here, for someone who came to report first.
    q = "" if institution else request.GET.get("q", "").strip()[:50]
    matches = list(public_institutions().select_related("unit").filter(name__icontains=q)[:10]) if q else []
    return render(
        request,
        "feedback/public_report.html",
        {
            "form": form,
            "institution": institution,
            "map": map_picker_settings(),
            "place": None if institution else _place_words(form),
            "q": q,
            "matches": matches,
        },
    )


def _point(lat, lng) -> tuple[float, float] | None:
    try:
        point = float(lat), float(lng)
    except (TypeError, ValueError):
        return None
    return point if -90 <= point[0] <= 90 and -180 <= point[1] <= 180 else None


def _unit_name(point: tuple[float, float]) -> dict:
    """The street or town a WGS-84 point lies in, as the report would be routed; or why it cannot be."""
    try:
        unit = services.unit_for_point(*point)
    except ValidationError as exc:
        return {"place": "", "error": " ".join(exc.messages)}
    return {"place": unit.name, "error": ""}


def _place_words(form) -> dict | None:
    """A form coming back with errors names the point it holds in words, as the picker does."""
    if not form.is_bound:
        return None
    point = _point(form.data.get("lat"), form.data.get("lng"))
    return _unit_name(point) if point else None


@public
def report_place(request):
    """The picked point in words for the report form: {"place": "汉丰街道", "error": ""}, or the reason
    it is refused (outside the district). WGS-84, as the form sends it; names only public facts."""
    point = _point(request.GET.get("lat"), request.GET.get("lng"))
    if point is None:
        # An answer like any other (not a 400): the picker shows the words, and the page stays usable.
        return JsonResponse({"place": "", "error": _("Please mark the place on the map.")})
    return JsonResponse(_unit_name(point))


@public
def report_done(request):
    filed = request.session.pop(SESSION_FILED, None)
    complaint = Complaint.objects.filter(pk=filed["pk"]).first() if filed else None
    if complaint is None:
        return redirect("feedback:track")
    return render(
        request,
        "feedback/public_report_done.html",
        {
            "complaint": complaint,
            "tracking_number": filed["number"],
            "query_code": group_code(filed["code"]),
            "sms_sent": filed.get("sms", bool(complaint.reporter_phone)),
        },
    )


@public
def track(request):
    status = 200
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            try:
                complaint = services.complaint_lookup(
                    tracking_number=form.cleaned_data["tracking_number"],
                    query_code=form.cleaned_data["query_code"],
                    client=services.client_key(client_ip(request)),
                )
            except services.LookupRefused as exc:
                form.add_error(None, exc.message)
                if exc.code == "rate_limited":
                    status = 429
            else:
                _remember(request, complaint)
                return redirect("feedback:track_detail", number=complaint.tracking_number)
    else:
        form = TrackForm(initial={"tracking_number": request.GET.get("number", "")[:30]})
    return render(request, "feedback/public_track.html", {"form": form}, status=status)


def _detail(request, complaint: Complaint, *, add_form=None, rate_form=None):
    merged = complaint.status == ComplaintStatus.MERGED and complaint.merged_into_id is not None
    can_add = workflow.accepts_information(complaint)
    can_rate = workflow.can_rate(complaint)
    timeline = [
        (event, event.note if event.kind in NOTE_KINDS else "")
        for event in selectors.public_timeline(complaint)
    ]
    return render(
        request,
        "feedback/public_track_detail.html",
        {
            "complaint": complaint,
            "timeline": timeline,
            "overdue": selectors.is_overdue(complaint),
            "is_open": workflow.is_open(complaint),
            "photos": list(complaint.photos.filter(added_by_reporter=True)),
            # Handled together with another case: its progress, never its reporter, text or photos.
            "target": complaint.merged_into if merged else None,
            "can_add": can_add,
            "can_rate": can_rate,
            "can_reopen": services.can_reopen(complaint),
            # A posted form comes back with its errors even when the case moved on meanwhile.
            "add_form": add_form if add_form is not None else (AddInformationForm() if can_add else None),
            "rate_form": rate_form if rate_form is not None else (RateForm() if can_rate else None),
        },
    )


@public
def track_detail(request, number: str):
    complaint = _tracked(request, number)
    if complaint is None:
        return redirect("feedback:track")
    return _detail(request, complaint)


@public
@require_POST
def track_add(request, number: str):
    complaint = _tracked(request, number)
    if complaint is None:
        return redirect("feedback:track")
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.complaint_add_information(
                complaint=complaint, text=form.cleaned_data["text"], photos=form.cleaned_data["photos"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you. The department handling your report has been told."))
            return redirect("feedback:track_detail", number=complaint.tracking_number)
    return _detail(request, complaint, add_form=form)


@public
@require_POST
def track_rate(request, number: str):
    complaint = _tracked(request, number)
    if complaint is None:
        return redirect("feedback:track")
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            rated = services.complaint_rate(
                complaint=complaint,
                satisfied=form.cleaned_data["satisfied"],
                comment=form.cleaned_data["comment"],
                reopen=form.cleaned_data["reopen"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if rated.status == ComplaintStatus.IN_PROGRESS:
                text = _("Your report is being looked at again. You will get a new answer by %(date)s.") % {
                    "date": rated.answer_due_on.strftime("%Y-%m-%d")
                }
            else:
                text = _("Thank you for rating the handling. The case is closed.")
            messages.success(request, text)
            return redirect("feedback:track_detail", number=complaint.tracking_number)
    return _detail(request, complaint, rate_form=form)


@public
def track_photo(request, number: str, pk: int):
    complaint = _tracked(request, number)
    if complaint is None:
        raise Http404
    photo = get_object_or_404(ComplaintPhoto, pk=pk, complaint=complaint, added_by_reporter=True)
    extension = EXTENSIONS.get(photo.file_kind, "jpg")
    return serve_private(photo.file, download_name=f"{complaint.tracking_number}-{photo.pk}.{extension}")


@public
def institution_reviews(request, pk: int):
    """All published reviews of a public institution, newest first, with the average and count."""
    institution = get_object_or_404(public_institutions(), pk=pk)
    return render(
        request,
        "feedback/review_list.html",
        {
            "institution": institution,
            "summary": reviews.rating_summary(institution),
            "page": reviews.page_of(request.GET.get("page"), reviews.published_reviews(institution)),
        },
    )


def _year(request) -> int:
    this_year = today().year
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else this_year
    return year if 2000 <= year <= this_year else this_year


def _statistics(year: int):
    since, until = date(year, 1, 1), date(year + 1, 1, 1)
    units = stats.unit_complaint_stats(since, until)
    return units, stats.totals(units), stats.category_complaint_stats(since, until)


STAT_HEADERS = (
    gettext_lazy("Received"),
    gettext_lazy("Substantiated (fully or partly)"),
    gettext_lazy("Answered"),
    gettext_lazy("Answered on time"),
    gettext_lazy("Open and overdue"),
)


def _stat_headers() -> list[str]:
    return [str(h) for h in STAT_HEADERS]


@public
def statistics(request):
    """投诉举报统计: per street or town and per category for a year; counts only."""
    year = _year(request)
    units, total, categories = _statistics(year)
    first = stats.first_complaint_year() or year
    this_year = today().year
    return render(
        request,
        "feedback/stats_public.html",
        {
            "year": year,
            "years": list(range(this_year, min(first, year, this_year) - 1, -1)),
            "units": units,
            "total": total,
            "categories": categories,
            "headers": _stat_headers(),
        },
    )


@public
def statistics_export(request):
    year = _year(request)
    units, total, categories = _statistics(year)
    rows: list[list] = [[row.name or _("The district as a whole"), *row.counts.as_row()] for row in units]
    rows.append([_("Total"), *total.as_row()])
    rows.append([])
    rows.append([_("By category")])
    rows += [[label, *counts.as_row()] for label, counts in categories]
    return xlsx_response(
        filename=f"complaint-statistics-{year}.xlsx",
        sheet=_("Complaints %(year)s") % {"year": year},
        headers=[_("Street or town"), *_stat_headers()],
        rows=rows,
        note=_(
            "Complaints and reports received in %(year)s; a duplicate merged into another report is counted once. "
            "Substantiated includes partly substantiated. Open and overdue: still being handled past the deadline today."
        )
        % {"year": year},
    )
