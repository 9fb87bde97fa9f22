"""Public reads of the register: the nearest-first search that the map page and the API share.

Query budget (tests pin it): a search is one candidate query, one page query and one prefetch of the
classes, whatever the number of rows. Distances are computed in Python on the candidates' coordinates,
so the same code runs on SQLite and PostgreSQL without a spatial extension.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum

from tuoyu.core import limits
from tuoyu.core.geo import bounding_box, haversine_km
from tuoyu.regions import names
from tuoyu.regions.models import Unit
from tuoyu.regions.selectors import units_named_in

from .models import (
    SERVICE_TYPE_FIELDS,
    AgeGroup,
    ClassGroup,
    Fee,
    FeePeriod,
    Institution,
    InstitutionMembership,
    age_groups_for_months,
)
from .workflow import PUBLIC

DEFAULT_RADIUS_KM = 30.0


@dataclass
class SearchParams:
    unit: Unit | None = None
    puhui: bool | None = None
    age_group: str | None = None  # a class of this group has a free place
    age_months: int | None = None  # a class takes a child of this age (and has a free place, with age_group)
    service_type: str | None = None
    ownership: str | None = None
    type: str | None = None
    fee_min: Decimal | None = None
    fee_max: Decimal | None = None
    q: str = ""
    near: tuple[float, float] | None = None  # WGS-84
    radius_km: float | None = None
    ordering: str = ""
    page: int = 1
    page_size: int = limits.PAGE_SIZE


@dataclass
class SearchResult:
    rows: list[Institution]
    total: int
    page: int
    page_size: int
    params: SearchParams = field(repr=False)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def public_institutions() -> QuerySet[Institution]:
    """Only filed institutions are public; drafts, suspended and deregistered ones never are."""
    return Institution.objects.filter(status__in=PUBLIC)


def _filtered(params: SearchParams) -> QuerySet[Institution]:
    qs = public_institutions()
    if params.unit is not None:
        qs = qs.filter(unit__path__startswith=params.unit.path)
    if params.puhui is not None:
        qs = qs.filter(is_puhui=params.puhui)
    if params.service_type:
        qs = qs.filter(**{SERVICE_TYPE_FIELDS[params.service_type]: True})
    if params.ownership:
        qs = qs.filter(ownership=params.ownership)
    if params.type:
        qs = qs.filter(type=params.type)
    if params.fee_min is not None or params.fee_max is not None:
        fee_q = Q(institution=OuterRef("pk"), period=FeePeriod.MONTH)
        if params.fee_min is not None:
            fee_q &= Q(amount__gte=params.fee_min)
        if params.fee_max is not None:
            fee_q &= Q(amount__lte=params.fee_max)
        qs = qs.filter(Exists(Fee.objects.filter(fee_q)))
    if params.q:
        qs = qs.filter(text_q(params.q))
    if params.age_months is not None:
        qs = qs.filter(_age_q(params.age_months, params.age_group))
    elif params.age_group:
        qs = qs.filter(
            Exists(
                ClassGroup.objects.filter(
                    institution=OuterRef("pk"), age_group=params.age_group, enrolled__lt=F("capacity")
                )
            )
        )
    return qs


def _piece_q(piece: str) -> Q:
    found = Q(name__icontains=piece) | Q(address__icontains=piece)
    if not names.has_cjk(piece):
        found |= Q(name_pinyin__contains=piece)
    return found


def text_q(text: str) -> Q:
    """What the search box matches, as families type it: the name or address as stored; the pinyin of
    the name (hanfeng, Hàn Fēng, han4 feng1); or a full address (重庆市开州区汉丰街道xx路, 开州区温泉镇,
    Wenquan Town): the institutions of the street or town it names whose name or address holds the
    rest. One query over the units when there is text (regions.selectors.units_named_in)."""
    found = Q(name__icontains=text) | Q(address__icontains=text)
    plain = names.normalize(text)
    if plain and not names.has_cjk(plain):
        found |= Q(name_pinyin__contains=plain)
    named = units_named_in(text)
    if named.units:
        in_units = Q()
        for unit in named.units:
            in_units |= Q(unit__path__startswith=unit.path)
        for piece in named.rest:
            in_units &= _piece_q(piece)
        found |= in_units
    return found


def _age_q(months: int, age_group: str | None) -> Q:
    """A class that takes a child of this age (AGE_GROUP_MONTHS, the national standard); with a chosen
    group ("free places for"), a class of that group that takes the child and has a free place."""
    groups = age_groups_for_months(months)
    classes = ClassGroup.objects.filter(institution=OuterRef("pk"), age_group__in=groups)
    if age_group:
        classes = classes.filter(age_group=age_group, enrolled__lt=F("capacity"))
    return Q(Exists(classes))


def _with_page_data(qs: QuerySet[Institution]) -> QuerySet[Institution]:
    return qs.select_related("unit")


def _attach_vacancies(rows: list[Institution]) -> list[Institution]:
    """Free places per age group for a page of rows: one grouped query of a few tuples a row, where a
    prefetch of the classes built ~3 model instances a row only to add them up (half the search's CPU)."""
    counts: dict[int, dict[str, int]] = {row.pk: {} for row in rows}
    if counts:
        free = (
            ClassGroup.objects.filter(institution_id__in=counts)
            .order_by()  # no default ordering: it would join the GROUP BY
            .values_list("institution_id", "age_group")
            .annotate(free=Sum(F("capacity") - F("enrolled")))  # enrolled <= capacity is a DB constraint
        )
        for institution_id, age_group, n in free:
            counts[institution_id][age_group] = n
    for row in rows:
        row.vacancy_counts = counts[row.pk]
    return rows


ORDERINGS = {
    "name": ["name", "id"],
    "fee": [F("fee_from").asc(nulls_last=True), "id"],
    "vacancies": [(F("capacity_total") - F("enrolled_total")).desc(), "id"],
}


# Sort keys on (id, distance, name, fee_from, vacancies) tuples of the near search; ties go to the nearest.
NEAR_SORT_KEYS = {
    "distance": lambda s: (s[1], s[0]),
    "name": lambda s: (s[2], s[0]),
    "fee": lambda s: (s[3] is None, s[3] or 0, s[1]),
    "vacancies": lambda s: (-s[4], s[1]),
}


def search_institutions(params: SearchParams) -> SearchResult:
    qs = _filtered(params)
    start = (params.page - 1) * params.page_size
    if params.near is None:
        total = qs.count()
        order = ORDERINGS.get(params.ordering, ORDERINGS["name"])
        rows = _attach_vacancies(list(_with_page_data(qs.order_by(*order))[start : start + params.page_size]))
        for row in rows:
            row.distance_km = None
        return SearchResult(
            rows=rows, total=total, page=params.page, page_size=params.page_size, params=params
        )

    lat, lng = params.near
    radius = params.radius_km or DEFAULT_RADIUS_KM
    box = bounding_box(lat, lng, radius)
    # order_by(): the candidates are sorted in Python, so the model's default ORDER BY name is waste.
    candidates = qs.filter(
        lat__gte=box.min_lat, lat__lte=box.max_lat, lng__gte=box.min_lng, lng__lte=box.max_lng
    ).order_by()
    value_fields = ["id", "lat", "lng", "name", "fee_from", "capacity_total", "enrolled_total"]
    scored = []
    for pk, plat, plng, name, fee_from, capacity, enrolled in candidates.values_list(*value_fields):
        distance = haversine_km(lat, lng, plat, plng)
        if distance <= radius:
            scored.append((pk, distance, name, fee_from, capacity - enrolled))
    key = NEAR_SORT_KEYS.get(params.ordering, NEAR_SORT_KEYS["distance"])
    scored.sort(key=key)
    page = scored[start : start + params.page_size]
    page_rows = list(_with_page_data(Institution.objects.filter(pk__in=[s[0] for s in page]).order_by()))
    by_id = {row.pk: row for row in _attach_vacancies(page_rows)}
    rows = []
    for pk, distance, *_rest in page:
        row = by_id[pk]
        row.distance_km = distance
        rows.append(row)
    return SearchResult(
        rows=rows, total=len(scored), page=params.page, page_size=params.page_size, params=params
    )


def vacancies_by_age_group(institution: Institution) -> dict[str, int]:
    """Free places per age group the institution offers (from _attach_vacancies when it ran)."""
    result = getattr(institution, "vacancy_counts", None)
    if result is None:
        result = {}
        for group in institution.classes.all():
            result[group.age_group] = result.get(group.age_group, 0) + group.vacancies
    return {g: result[g] for g in AgeGroup.values if g in result}


def public_institution_detail(pk: int) -> Institution | None:
    """Any status: the view decides between the page, a deregistration notice and a 404."""
    return (
        Institution.objects.select_related("unit")
        .prefetch_related(
            Prefetch("classes", queryset=ClassGroup.objects.order_by("age_group", "name")),
            Prefetch("fees", queryset=Fee.objects.order_by("service_type", "age_group")),
            "photos",
        )
        .filter(pk=pk)
        .first()
    )


def institutions_for_compare(ids: list[int]) -> list[Institution]:
    rows = list(_with_page_data(public_institutions().filter(pk__in=ids)))
    by_id = {row.pk: row for row in _attach_vacancies(rows)}
    return [by_id[i] for i in ids if i in by_id]


def headline_numbers(area: Unit | None) -> dict:
    """The home page's figures, in two aggregate queries."""
    qs = public_institutions()
    if area is not None:
        qs = qs.filter(unit__path__startswith=area.path)
    totals = qs.aggregate(
        institutions=Count("id"),
        slots=Sum("capacity_total"),
        enrolled=Sum("enrolled_total"),
        puhui_slots=Sum("capacity_total", filter=Q(is_puhui=True)),
    )
    slots = totals["slots"] or 0
    return {
        "institutions": totals["institutions"],
        "slots": slots,
        "vacancies": slots - (totals["enrolled"] or 0),
        "puhui_share": round(100 * (totals["puhui_slots"] or 0) / slots, 1) if slots else None,
    }


def register_for_export(*, unit: Unit | None = None) -> Iterator[Institution]:
    """Every institution in every status, for officials; iterated in chunks so a big register streams."""
    qs = Institution.objects.select_related("unit").order_by("unit__sort_order", "unit__code", "name", "id")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.iterator(chunk_size=2000)


# --- who acts for an institution --------------------------------------------------------------------


def institutions_of(user) -> QuerySet[Institution]:
    """The institutions a signed-in person acts for (their memberships); none for other roles."""
    from tuoyu.accounts.models import INSTITUTION_ROLES

    if getattr(user, "role", None) not in INSTITUTION_ROLES:
        return Institution.objects.none()
    return Institution.objects.filter(memberships__user=user)


def is_member(user, institution: Institution | int) -> bool:
    """Whether the person acts for the institution (given as the row or its id)."""
    institution_id = getattr(institution, "pk", institution)
    return InstitutionMembership.objects.filter(institution_id=institution_id, user=user).exists()
