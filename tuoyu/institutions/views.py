from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tuoyu.accounts.models import GOVERNMENT_ROLES, Role
from tuoyu.core import limits
from tuoyu.core.access import public, role_required
from tuoyu.core.excel import xlsx_response
from tuoyu.core.files import serve_private
from tuoyu.core.forms import add_service_errors
from tuoyu.core.geo import to_map_crs
from tuoyu.core.http import query_without_page
from tuoyu.regions.selectors import area_unit, grassroots_units, latest_population_year, population_total

from . import services
from .forms import InstitutionSearchForm, PhotoForm, map_settings
from .models import AGE_GROUP_SHORT, AgeGroup, Institution, InstitutionPhoto, InstitutionStatus
from .selectors import (
    SearchParams,
    headline_numbers,
    institutions_for_compare,
    institutions_of,
    public_institution_detail,
    register_for_export,
    search_institutions,
    vacancies_by_age_group,
)

MAX_COMPARE = limits.COMPARE_MAX
HOME_MARKERS = limits.HOME_MAP_MARKERS
HOME_RADIUS_KM = limits.HOME_MAP_RADIUS_KM


def _markers(rows, crs: str) -> list[dict]:
    markers = []
    for row in rows:
        lat, lng = to_map_crs(row.lat, row.lng, crs)
        markers.append(
            {
                "id": row.pk,
                "name": row.name,
                "lat": round(lat, 6),
                "lng": round(lng, 6),
                "puhui": row.is_puhui,
                "vacancies": row.vacancies,
                "url": reverse("institutions:detail", args=[row.pk]),
            }
        )
    return markers


def _vacancy_list(row) -> list[tuple[str, int]]:
    return [(AGE_GROUP_SHORT[AgeGroup(g)], n) for g, n in vacancies_by_age_group(row).items()]


@public
def home(request):
    area = area_unit()
    numbers = headline_numbers(area)
    year = latest_population_year()
    if area is not None and year is not None:
        population = population_total(area, year)
        numbers["slots_per_1000"] = round(1000 * numbers["slots"] / population, 2) if population else None
        numbers["population_year"] = year
    markers = []
    if area is not None and area.center_lat is not None:
        # The home map shows what is near the district's centre, bounded so a large area stays cheap.
        nearby = search_institutions(
            SearchParams(
                near=(area.center_lat, area.center_lng), radius_km=HOME_RADIUS_KM, page_size=HOME_MARKERS
            )
        )
        markers = _markers(nearby.rows, map_settings()["crs"])
    return render(
        request,
        "institutions/home.html",
        {
            "area": area,
            "numbers": numbers,
            "units": grassroots_units(area),
            "map": map_settings(),
            "form": InstitutionSearchForm(),
            "markers": markers,
        },
    )


@public
def search(request):
    # Always bound: an empty query is a valid search of everything, nearest the district's centre.
    form = InstitutionSearchForm(request.GET)
    result = None
    params = None
    if form.is_valid():
        params = form.to_params()
        result = search_institutions(params)
        for row in result.rows:
            row.vacancy_list = _vacancy_list(row)
    crs = map_settings()["crs"]
    center = None
    if params is not None and params.near is not None:
        lat, lng = to_map_crs(params.near[0], params.near[1], crs)
        center = {"lat": lat, "lng": lng}
    area = area_unit()
    return render(
        request,
        "institutions/search.html",
        {
            "form": form,
            "result": result,
            "markers": _markers(result.rows, crs) if result else [],
            "center": center,
            "area_center": {"lat": area.center_lat, "lng": area.center_lng}
            if area and area.center_lat
            else None,
            "map": map_settings(),
            "units": grassroots_units(area),
            "querystring": query_without_page(request),
            "age_groups": AgeGroup,
        },
        status=200 if result is not None else 400,
    )


@public
def detail(request, pk: int):
    institution = public_institution_detail(pk)
    if institution is None or institution.status in (InstitutionStatus.DRAFT, InstitutionStatus.SUSPENDED):
        raise Http404(_("No such institution is open to the public."))
    if institution.status == InstitutionStatus.DEREGISTERED:
        # An old link (a bookmark, a shared message) explains what happened instead of a bare 404.
        return render(request, "institutions/deregistered.html", {"institution": institution}, status=410)
    crs = map_settings()["crs"]
    return render(
        request,
        "institutions/detail.html",
        {
            "institution": institution,
            "vacancies": _vacancy_list(institution),
            "markers": _markers([institution], crs),
            "map": map_settings(),
        },
    )


@public
def compare(request):
    raw = request.GET.getlist("ids") or request.GET.get("id", "").split(",")
    ids: list[int] = []
    for value in raw:
        for part in value.split(","):
            if part.strip().isdigit() and int(part) not in ids:
                ids.append(int(part))
    error = None
    if len(ids) > MAX_COMPARE:
        error = _("You can compare up to %(n)s institutions at a time.") % {"n": MAX_COMPARE}
        ids = ids[:MAX_COMPARE]
    rows = institutions_for_compare(ids)
    for row in rows:
        row.vacancy_list = _vacancy_list(row)
    return render(
        request, "institutions/compare.html", {"rows": rows, "error": error, "age_groups": AgeGroup}
    )


@role_required(*GOVERNMENT_ROLES)
def export_register(request):
    """The whole register, every status, as Excel for officials (a street officer gets their unit only)."""
    rows = register_for_export(unit=request.user.unit if request.user.role == "street_officer" else None)
    headers = [
        _("Name"),
        _("Street or town"),
        _("Type"),
        _("Ownership"),
        _("Inclusive (普惠)"),
        _("Status"),
        _("Filing number"),
        _("Filed on"),
        _("Unified social credit code"),
        _("Address"),
        _("Places"),
        _("Enrolled"),
        _("Free places"),
        _("Monthly fee from"),
        _("Latitude (WGS-84)"),
        _("Longitude (WGS-84)"),
        _("Synthetic demo record"),
    ]
    yes, no = _("yes"), _("no")
    data = (
        [
            r.name,
            r.unit.name,
            r.get_type_display(),
            r.get_ownership_display(),
            yes if r.is_puhui else no,
            r.get_status_display(),
            r.filing_number,
            r.filed_on,
            r.uscc,
            r.address,
            r.capacity_total,
            r.enrolled_total,
            r.vacancies,
            float(r.fee_from) if r.fee_from is not None else None,
            r.lat,
            r.lng,
            yes if r.is_demo else no,
        ]
        for r in rows
    )
    filename = quote(f"{_('Childcare register')}-{timezone.localdate():%Y%m%d}.xlsx")
    return xlsx_response(filename=filename, sheet=str(_("Childcare register")), headers=headers, rows=data)


# --- photos: kept by the institution's people, shown on its public page -----------------------------


def _own_institution(user, pk: int) -> Institution:
    institution = institutions_of(user).filter(pk=pk).first()
    if institution is None:
        raise Http404
    return institution


@role_required(Role.INSTITUTION_OPERATOR, Role.INSTITUTION_STAFF)
def manage_photos(request, pk: int):
    institution = _own_institution(request.user, pk)
    form = PhotoForm()
    status = 200
    if request.method == "POST":
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.institution_photo_add(
                    institution=institution,
                    by=request.user,
                    upload=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, default_field="image")
            else:
                messages.success(request, _("The photo is on your public page now."))
                return redirect("institutions:photos", pk=institution.pk)
        status = 400
    return render(
        request,
        "institutions/photos.html",
        {
            "institution": institution,
            "photos": list(institution.photos.all()),
            "form": form,
            "max_photos": services.MAX_PHOTOS,
        },
        status=status,
    )


@role_required(Role.INSTITUTION_OPERATOR, Role.INSTITUTION_STAFF)
@require_POST
def remove_photo(request, pk: int, photo_pk: int):
    institution = _own_institution(request.user, pk)
    photo = get_object_or_404(InstitutionPhoto, pk=photo_pk, institution=institution)
    services.institution_photo_remove(photo=photo, by=request.user)
    messages.success(request, _("The photo was removed."))
    return redirect("institutions:photos", pk=institution.pk)


@public
def photo(request, pk: int, photo_pk: int):
    """A photo of a filed institution, to anyone; nothing of a draft, suspended or deregistered one."""
    picture = get_object_or_404(
        InstitutionPhoto, pk=photo_pk, institution_id=pk, institution__status=InstitutionStatus.FILED
    )
    response = serve_private(picture.image, download_name=f"photo-{picture.pk}")
    # Public pictures that change only by a new upload under a new name: browsers and proxies may keep them.
    response["Cache-Control"] = "public, max-age=86400"
    return response
