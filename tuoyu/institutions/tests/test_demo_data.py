import pytest
from django.core.management import call_command

from tuoyu.institutions.demo import seed_district, seed_synthetic
from tuoyu.institutions.models import ClassGroup, Institution, InstitutionStatus
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


def _snapshot():
    return list(
        Institution.objects.order_by("id").values_list(
            "name", "uscc", "lat", "lng", "status", "capacity_total"
        )
    )


def test_the_district_demo_is_deterministic_and_valid(kaizhou):
    seed_district(count=15)
    first = _snapshot()
    Institution.objects.all().delete()
    seed_district(count=15)
    assert [row[:4] for row in _snapshot()] == [row[:4] for row in first]
    for institution in Institution.objects.all():
        institution.full_clean()  # every demo row passes the register's own rules
    assert Institution.objects.filter(status=InstitutionStatus.FILED).exists()


def test_seed_demo_runs_once_and_prints_the_demo_sign_ins(kaizhou, capsys):
    call_command("seed_demo", "--scale", "district")
    count = Institution.objects.count()
    assert 95 <= count <= 100
    call_command("seed_demo", "--scale", "district")
    assert Institution.objects.count() == count
    out = capsys.readouterr().out
    assert "operator" in out and "13800138000" in out


def test_the_synthetic_tree_has_provinces_cities_counties_and_towns(db):
    made = seed_synthetic(institutions=300, provinces=2, cities=2, counties=2, towns=3, seed=1)
    assert made == Institution.objects.count() == 300
    assert list(
        Unit.objects.filter(code__startswith="SYN")
        .values_list("level", flat=True)
        .distinct()
        .order_by("level")
    ) == sorted(["nation", "province", "city", "district", "town"])
    assert Unit.objects.filter(level="town").count() == 2 * 2 * 2 * 3
    town = Unit.objects.filter(level="town").first()
    assert town.path.count("/") == 6 and town.path.startswith("/SYN/")
    assert all(name.startswith("示例") for name in Institution.objects.values_list("name", flat=True))
    # Totals kept in step with the classes, as the services would have.
    sample = Institution.objects.first()
    assert sample.capacity_total == sum(
        ClassGroup.objects.filter(institution=sample).values_list("capacity", flat=True)
    )
