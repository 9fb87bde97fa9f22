"""The public's pages: the home page with its map and headline numbers, search, an institution's page,
the comparison and the published photos. Nothing here needs an account."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tuoyu.core import limits
from tuoyu.core.access import public
from tuoyu.core.facts import institution_facts
from tuoyu.core.files import serve_private
from tuoyu.core.geo import haversine_km, to_map_crs
from tuoyu.core.http import query_without_page
from tuoyu.regions.selectors import (
    area_unit,
    grassroots_units,
    latest_population_year,
    place_unit,
    population_total,
)

from .forms import InstitutionSearchForm, institution_markers, map_settings
from .models import AGE_GROUP_SHORT, AgeGroup, InstitutionPhoto
from .selectors import (
    SearchParams,
    headline_numbers,
    institutions_for_compare,
    public_institution_detail,
    search_institutions,
    vacancies_by_age_group,
)
from .workflow import PUBLIC, is_gone, is_public, is_suspended

MAX_COMPARE = limits.COMPARE_MAX
HOME_MARKERS = limits.HOME_MAP_MARKERS
HOME_RADIUS_KM = limits.HOME_MAP_RADIUS_KM


def navigate_url(row) -> str:
    """A link that opens the phone's map app with the institution marked, for "navigate there".

    高德's URI API (uri.amap.com) is a plain https link, so it works on every phone: with callnative=1
    an installed 高德 app opens (most Chinese Android phones and many iPhones have it), otherwise its
    web map does, and from there any other map app. A `geo:` link would do nothing on an iPhone and
    on Android it opens only when some app claims it. We send the stored WGS-84 point and say so
    (coordinate=wgs84); 高德 converts it to its own system."""
    query = urlencode(
        {
            "position": f"{row.lng:.6f},{row.lat:.6f}",
            "name": row.name,
            "coordinate": "wgs84",
            "callnative": 1,
            "src": "tuoyu",
        }
    )
    return f"https://uri.amap.com/marker?{query}"


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
        markers = institution_markers(nearby.rows, map_settings()["crs"])
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
            row.navigate_url = navigate_url(row)
    # Words that name a street or town with no institution of its own (温泉镇) should not end the
    # search: offer the nearest institutions to that place instead (one query, only when nothing matched).
    nearest_to = None
    if result is not None and not result.total and params.q and params.near is None:
        # place_unit: the street or town the place search itself would use (inside the area, with a centre).
        unit = place_unit(params.q)
        if unit is not None:
            nearest_to = {
                "name": unit.name,
                "url": f"{reverse('institutions:search')}?{urlencode({'place': unit.name})}",
            }
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
            "nearest_to": nearest_to,
            "markers": institution_markers(result.rows, crs) if result else [],
            "center": center,
            "area_center": {"lat": area.center_lat, "lng": area.center_lng}
            if area and area.center_lat
            else None,
            "map": map_settings(),
            "units": grassroots_units(area),
            "querystring": query_without_page(request),
            "age_groups": AgeGroup,
            # After a search (anything asked but a page) a phone shows the results first and folds
            # the filters away; a form with a mistake stays open so the mistake is seen.
            "searched": any(key != "page" for key in request.GET) and not form.errors,
        },
        status=200 if result is not None else 400,
    )


@public
def detail(request, pk: int):
    institution = public_institution_detail(pk)
    if institution is None or not (
        is_public(institution) or is_gone(institution) or is_suspended(institution)
    ):
        raise Http404(_("No such institution is open to the public."))
    # Inspection results (5 years) and an active suspension are supervision's, read by name through
    # core.facts (the register imports nothing of inspections); every page below shows the results.
    facts = institution_facts([institution.pk])
    context = {
        "institution": institution,
        "inspection_results": facts.get("inspections", {}).get(institution.pk),
        "suspension": facts.get("suspension", {}).get(institution.pk),
        "grading": facts.get("grading", {}).get(institution.pk),  # latest public grade, demonstration titles
        "workforce": facts.get("workforce", {}).get(institution.pk),  # staffing in numbers, no names
    }
    if is_gone(institution):
        # An old link (a bookmark, a shared message) explains what happened instead of a bare 404.
        return render(request, "institutions/deregistered.html", context, status=410)
    if is_suspended(institution):
        return render(request, "institutions/suspended.html", context)
    crs = map_settings()["crs"]
    return render(
        request,
        "institutions/detail.html",
        {
            **context,
            "vacancies": _vacancy_list(institution),
            "markers": institution_markers([institution], crs),
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
    near = _compare_point(request.GET.get("near", ""))
    # Ratings and complaints are the feedback app's: read by name through core.facts (one query each),
    # since the register imports nothing of feedback.
    facts = institution_facts([row.pk for row in rows])
    for row in rows:
        row.vacancy_list = _vacancy_list(row)
        row.distance_km = haversine_km(near[0], near[1], row.lat, row.lng) if near else None
        row.facts = {name: by_id.get(row.pk) for name, by_id in facts.items()}
    return render(
        request,
        "institutions/compare.html",
        {
            "rows": rows,
            "error": error,
            "age_groups": AgeGroup,
            "near": near,
            "has_ratings": "ratings" in facts,
            "has_complaints": "complaints" in facts,
            "complaint_months": 12,
        },
    )


def _compare_point(raw: str) -> tuple[float, float] | None:
    """The search's point (WGS-84 `lat,lng`, carried by the compare form) for a distance row; a point
    that does not parse only leaves the row out."""
    try:
        lat, lng = (float(part) for part in raw.split(","))
    except ValueError:
        return None
    return (lat, lng) if -90 <= lat <= 90 and -180 <= lng <= 180 else None


@public
def photo(request, pk: int, photo_pk: int):
    """A photo of a filed institution, to anyone; nothing of a draft, suspended or deregistered one."""
    picture = get_object_or_404(
        InstitutionPhoto, pk=photo_pk, institution_id=pk, institution__status__in=PUBLIC
    )
    response = serve_private(picture.image, download_name=f"photo-{picture.pk}")
    # Public pictures that change only by a new upload under a new name: browsers and proxies may keep them.
    response["Cache-Control"] = "public, max-age=86400"
    return response
