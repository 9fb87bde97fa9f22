"""Deterministic synthetic demo data. Every name says 示例 (example) and every row has is_demo=True.

district: the configured district's real unit names with ~100 invented institutions, written through
          the services so that the demo also exercises every validation rule.
city / national: a synthetic tree (provinces → cities → counties → towns) with ~3,000 / ~100,000
          institutions, written in bulk because the services' per-row checks would take hours.
"""

import random
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django.db import transaction
from stdnum.cn import uscc

from tuoyu.regions import names
from tuoyu.regions.models import Population, Unit

from .models import (
    CLASS_SIZE_LIMITS,
    AgeGroup,
    ClassGroup,
    Fee,
    FeePeriod,
    Institution,
    InstitutionStatus,
    InstitutionType,
    Ownership,
    PriceType,
    RegistrationBody,
    ServiceType,
)
from .services import ClassSpec, FeeSpec, institution_create, institution_transition

SYNTHETIC_ROOT = "SYN"
WORDS = [
    "小太阳",
    "彩虹",
    "星星",
    "童心",
    "蒲公英",
    "向日葵",
    "小橘灯",
    "爱乐",
    "启航",
    "贝贝",
    "嘟嘟",
    "小树苗",
    "暖阳",
    "和乐",
    "萌芽",
    "七色花",
]
SUFFIX = {
    InstitutionType.CHILDCARE: "托育园",
    InstitutionType.KINDERGARTEN: "幼儿园托班",
    InstitutionType.EMPLOYER: "职工托育中心",
    InstitutionType.COMMUNITY: "社区托育点",
    InstitutionType.SERVICE_CENTRE: "托育综合服务中心",
}
BODY_PREFIX = {
    RegistrationBody.PUBLIC_INSTITUTION: "12",
    RegistrationBody.SOCIAL_ORGANISATION: "52",
    RegistrationBody.ENTERPRISE: "91",
}
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(rng: random.Random, body: str, division: str) -> str:
    division = (division + "000000")[:6] if division.isdigit() else "500154"
    body_code = BODY_PREFIX[body]
    org = "".join(rng.choice(ORG_ALPHABET) for _ in range(9))
    stem = body_code + division + org
    return stem + uscc.calc_check_digit(stem)


@dataclass
class Draft:
    fields: dict
    classes: list[ClassSpec]
    fees: list[FeeSpec]
    status: str


def _draft(rng: random.Random, serial: int, unit: Unit, division: str, jitter_km: float = 2.5) -> Draft:
    kind = rng.choices(list(InstitutionType), weights=[55, 25, 6, 10, 4])[0]
    if kind == InstitutionType.KINDERGARTEN:
        body, ownership = rng.choice(
            [
                (RegistrationBody.PUBLIC_INSTITUTION, Ownership.PUBLIC),
                (RegistrationBody.ENTERPRISE, Ownership.PRIVATE),
            ]
        )
    elif kind in (InstitutionType.SERVICE_CENTRE, InstitutionType.COMMUNITY):
        body, ownership = rng.choice(
            [
                (RegistrationBody.PUBLIC_INSTITUTION, Ownership.PUBLIC),
                (RegistrationBody.SOCIAL_ORGANISATION, Ownership.PUBLIC_BUILT_PRIVATE_RUN),
            ]
        )
    else:
        body = rng.choice(
            [RegistrationBody.ENTERPRISE, RegistrationBody.ENTERPRISE, RegistrationBody.SOCIAL_ORGANISATION]
        )
        ownership = rng.choice([Ownership.PRIVATE, Ownership.PRIVATE, Ownership.PRIVATE_WITH_PUBLIC_AID])
    is_puhui = ownership != Ownership.PRIVATE or rng.random() < 0.35
    price_type = PriceType.GOVERNMENT_GUIDED if ownership == Ownership.PUBLIC else PriceType.MARKET
    dlat = rng.uniform(-1, 1) * jitter_km / 111.0
    dlng = rng.uniform(-1, 1) * jitter_km / 95.0
    groups = rng.sample(
        [AgeGroup.INFANT, AgeGroup.TODDLER, AgeGroup.PRESCHOOL, AgeGroup.MIXED], k=rng.randint(1, 3)
    )
    if kind == InstitutionType.KINDERGARTEN:
        groups = [AgeGroup.PRESCHOOL]
    classes = []
    for index, group in enumerate(sorted(groups)):
        for n in range(rng.randint(1, 2)):
            limit = CLASS_SIZE_LIMITS[group]
            capacity = rng.randint(max(5, limit // 2), limit)
            enrolled = rng.randint(max(0, capacity - 8), capacity)
            classes.append(
                ClassSpec(
                    name=f"{AgeGroup(group).label[:3]}{index + 1}-{n + 1}",
                    age_group=group,
                    capacity=capacity,
                    enrolled=enrolled,
                )
            )
    base = Decimal(rng.choice([900, 1100, 1300, 1500, 1800, 2200, 2600, 3200])) * (
        Decimal("0.75") if is_puhui else 1
    )
    fees = [
        FeeSpec(service_type=ServiceType.FULL_DAY, amount=base.quantize(Decimal("1")), price_type=price_type)
    ]
    services = {
        "offers_full_day": True,
        "offers_half_day": False,
        "offers_hourly": False,
        "offers_temporary": False,
    }
    if rng.random() < 0.5:
        services["offers_half_day"] = True
        fees.append(
            FeeSpec(
                service_type=ServiceType.HALF_DAY,
                amount=(base * Decimal("0.6")).quantize(Decimal("1")),
                price_type=price_type,
            )
        )
    if rng.random() < 0.3:
        services["offers_hourly"] = True
        fees.append(
            FeeSpec(
                service_type=ServiceType.HOURLY,
                amount=Decimal(rng.choice([20, 25, 30, 40])),
                price_type=PriceType.MARKET,
                period=FeePeriod.HOUR,
            )
        )
    if rng.random() < 0.2:
        services["offers_temporary"] = True
        fees.append(
            FeeSpec(
                service_type=ServiceType.TEMPORARY,
                amount=Decimal(rng.choice([80, 100, 120])),
                price_type=PriceType.MARKET,
                period=FeePeriod.DAY,
            )
        )
    status = rng.choices(
        [
            InstitutionStatus.FILED,
            InstitutionStatus.DRAFT,
            InstitutionStatus.SUSPENDED,
            InstitutionStatus.DEREGISTERED,
        ],
        weights=[90, 4, 2, 4],
    )[0]
    name = f"示例·{unit.name.rstrip('街道镇乡')}{rng.choice(WORDS)}{SUFFIX[kind]}{serial}"
    fields = {
        "name": name[:100],
        "type": kind,
        "ownership": ownership,
        "is_puhui": is_puhui,
        "registration_body": body,
        "uscc": make_uscc(rng, body, division),
        "legal_representative": "示例"
        + rng.choice("张王李赵刘陈杨黄周吴")
        + rng.choice(["敏", "伟", "芳", "静", "磊", "婷"]),
        "unit": unit,
        "address": f"示例路{rng.randint(1, 399)}号",
        "lat": round(unit.center_lat + dlat, 6),
        "lng": round(unit.center_lng + dlng, 6),
        "phone": f"023-5{rng.randint(1000000, 9999999)}",
        "opens_at": time(7, 30),
        "closes_at": time(rng.choice([17, 18]), 30),
        "open_days": "周一至周五",
        "description": "本机构为系统演示用的示例数据,并非真实机构。",
        **services,
    }
    return Draft(fields=fields, classes=classes, fees=fees, status=status)


def filing_number(year: int, serial: int) -> str:
    return f"开州托备〔{year}〕{serial:04d}"


def seed_district(*, count: int = 100, seed: int = 2026) -> int:
    """~100 institutions across the district's streets and towns, through the services."""
    from tuoyu.regions.selectors import area_unit, grassroots_units

    area = area_unit()
    if area is None:
        raise RuntimeError("Load the district first: manage.py load_regions")
    rng = random.Random(seed)
    units = list(grassroots_units(area))
    # Urban streets get more institutions, as in any district.
    weights = [5 if u.level == Unit.Level.STREET else 1 for u in units]
    created = 0
    for serial in range(1, count + 1):
        unit = rng.choices(units, weights=weights)[0]
        draft = _draft(rng, serial, unit, area.code)
        box = area.bounds
        if box is not None:
            draft.fields["lat"] = min(max(draft.fields["lat"], box.min_lat), box.max_lat)
            draft.fields["lng"] = min(max(draft.fields["lng"], box.min_lng), box.max_lng)
        with transaction.atomic():
            institution = institution_create(
                fields=draft.fields, classes=draft.classes, fees=draft.fees, is_demo=True
            )
            year = 2023 + serial % 3
            if draft.status != InstitutionStatus.DRAFT:
                institution = institution_transition(
                    institution=institution,
                    to_status=InstitutionStatus.FILED,
                    filing_number=filing_number(year, serial),
                    on=date(year, 1 + serial % 12, 1 + serial % 28),
                    note="示例数据",
                )
            if draft.status in (InstitutionStatus.SUSPENDED, InstitutionStatus.DEREGISTERED):
                institution_transition(
                    institution=institution,
                    to_status=draft.status,
                    note="示例数据",
                    on=date(2025, 6, 1 + serial % 28),
                )
        created += 1
    return created


# --- synthetic trees for the city and national scales -----------------------------------------------


LEVEL_SUFFIX = {
    Unit.Level.PROVINCE: "省",
    Unit.Level.CITY: "市",
    Unit.Level.DISTRICT: "县",
    Unit.Level.TOWN: "镇",
}


def _synthetic_tree(
    rng: random.Random, provinces: int, cities: int, counties: int, towns: int, *, root_name: str
) -> list[Unit]:
    """Create the tree in bulk and return its leaf units (towns)."""
    root = Unit.objects.create(
        code=SYNTHETIC_ROOT,
        name=root_name,
        level=Unit.Level.NATION,
        center_lat=34.0,
        center_lng=108.0,
        min_lat=18.0,
        max_lat=53.5,
        min_lng=73.5,
        max_lng=135.0,
    )
    levels = [
        (Unit.Level.PROVINCE, provinces, 6.0),
        (Unit.Level.CITY, cities, 1.2),
        (Unit.Level.DISTRICT, counties, 0.35),
        (Unit.Level.TOWN, towns, 0.08),
    ]
    parents = [root]
    for depth, (level, fanout, spread) in enumerate(levels, start=1):
        rows = []
        for parent in parents:
            for i in range(fanout):
                code = f"{parent.code}-{i + 1:02d}"
                if parent is root:
                    lat, lng = rng.uniform(22.5, 46.0), rng.uniform(98.0, 124.0)
                else:
                    lat = parent.center_lat + rng.uniform(-spread, spread)
                    lng = parent.center_lng + rng.uniform(-spread, spread)
                rows.append(
                    Unit(
                        code=code,
                        name=f"示例{LEVEL_SUFFIX[level]}{code[len(SYNTHETIC_ROOT) + 1 :]}",
                        level=level,
                        parent=parent,
                        path=f"{parent.path}{code}/",
                        depth=depth,
                        center_lat=lat,
                        center_lng=lng,
                        sort_order=i,
                    )
                )
        parents = Unit.objects.bulk_create(rows, batch_size=2000)
        if level in (Unit.Level.DISTRICT,):
            Population.objects.bulk_create(
                [
                    Population(
                        unit=u,
                        year=2025,
                        total=rng.randint(200_000, 1_200_000),
                        illustrative=True,
                        source="示例数据",
                    )
                    for u in parents
                ],
                batch_size=2000,
            )
    return parents


def seed_synthetic(
    *, institutions: int, provinces: int, cities: int, counties: int, towns: int, seed: int
) -> int:
    rng = random.Random(seed)
    towns_list = _synthetic_tree(rng, provinces, cities, counties, towns, root_name="示例全国")
    batch = 5000
    made = 0
    while made < institutions:
        drafts: list[tuple[Institution, Draft]] = []
        for serial in range(made + 1, min(made + batch, institutions) + 1):
            unit = towns_list[serial % len(towns_list)]
            draft = _draft(rng, serial, unit, "110000", jitter_km=4)
            draft.fields["uscc"] = (
                draft.fields["uscc"][:-5] + f"{serial:05d}"[-5:]
            )  # unique before the check char
            stem = draft.fields["uscc"][:17]
            draft.fields["uscc"] = stem + uscc.calc_check_digit(stem)
            filed = draft.status != InstitutionStatus.DRAFT
            row = Institution(
                **draft.fields,
                name_pinyin=names.pinyin(draft.fields["name"]),  # bulk_create skips save()
                is_demo=True,
                status=InstitutionStatus.FILED if filed else InstitutionStatus.DRAFT,
                filing_number=f"示例托备〔2025〕{serial:06d}" if filed else "",
                filed_on=date(2025, 1 + serial % 12, 1 + serial % 28) if filed else None,
                capacity_total=sum(c.capacity for c in draft.classes),
                enrolled_total=sum(c.enrolled for c in draft.classes),
                fee_from=min((f.amount for f in draft.fees if f.period == FeePeriod.MONTH), default=None),
            )
            drafts.append((row, draft))
        with transaction.atomic():
            saved = Institution.objects.bulk_create([row for row, _ in drafts], batch_size=batch)
            ClassGroup.objects.bulk_create(
                [
                    ClassGroup(institution=inst, **vars(spec))
                    for inst, (_, d) in zip(saved, drafts, strict=True)
                    for spec in d.classes
                ],
                batch_size=batch,
            )
            Fee.objects.bulk_create(
                [
                    Fee(institution=inst, **vars(spec))
                    for inst, (_, d) in zip(saved, drafts, strict=True)
                    for spec in d.fees
                ],
                batch_size=batch,
            )
        made += len(drafts)
    return made


SCALES = {
    "city": {"institutions": 3_000, "provinces": 1, "cities": 1, "counties": 12, "towns": 15, "seed": 3000},
    "national": {
        "institutions": 100_000,
        "provinces": 31,
        "cities": 6,
        "counties": 6,
        "towns": 5,
        "seed": 100000,
    },
}


DEMO_PASSWORD = "kaizhou-demo-2026"  # noqa: S105 - printed by `make run`; demo accounts only exist with demo data
DEMO_FAMILY_PHONE = "13800138000"


def seed_personas() -> list[tuple[str, str, str]]:
    """One account per role, so a visitor can try each journey. Returns (role, login, secret) rows."""
    from tuoyu.accounts.models import Role, User
    from tuoyu.regions.models import Department

    from .models import InstitutionMembership

    hc = Department.objects.filter(is_health_commission=True).first()
    market = Department.objects.filter(code="KZ-SCJG").first() or hc
    street = Unit.objects.filter(level=Unit.Level.STREET).order_by("sort_order").first()
    rows = []
    specs = [
        ("operator", Role.INSTITUTION_OPERATOR, {}),
        ("reviewer", Role.HC_REVIEWER, {"department": hc}),
        ("hcadmin", Role.HC_ADMIN, {"department": hc}),
        ("inspector", Role.DEPARTMENT_OFFICER, {"department": market}),
        ("street", Role.STREET_OFFICER, {"unit": street}),
        ("admin", Role.SYSTEM_ADMIN, {"is_staff": True, "is_superuser": True}),
    ]
    for username, role, extra in specs:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "display_name": f"示例{Role(role).label}", **extra}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        rows.append((str(Role(role).label), username, DEMO_PASSWORD))
    operator = User.objects.get(username="operator")
    first = Institution.objects.filter(is_demo=True, status=InstitutionStatus.FILED).order_by("id").first()
    if first is not None:
        InstitutionMembership.objects.get_or_create(institution=first, user=operator)
    User.objects.get_or_create(
        username=DEMO_FAMILY_PHONE, defaults={"phone": DEMO_FAMILY_PHONE, "role": Role.FAMILY}
    )
    rows.append((str(Role.FAMILY.label), DEMO_FAMILY_PHONE, "SMS code (printed in this console)"))
    return rows
