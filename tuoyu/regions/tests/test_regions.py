import json

import pytest
from django.core.exceptions import ValidationError

from tuoyu.regions.models import Department, Population, Unit
from tuoyu.regions.selectors import grassroots_units, population_total
from tuoyu.regions.services import KAIZHOU_FILE, regions_load, regions_load_file

pytestmark = pytest.mark.django_db


def test_kaizhou_has_seven_streets_and_thirty_three_towns_and_townships(kaizhou):
    units = grassroots_units(kaizhou)
    assert units.count() == 40
    streets = set(units.filter(level="street").values_list("name", flat=True))
    assert streets == {"汉丰街道", "文峰街道", "云枫街道", "镇东街道", "丰乐街道", "白鹤街道", "赵家街道"}
    assert units.filter(level__in=["town", "township"]).count() == 33
    assert all(u.bounds is None or u.bounds.contains(u.center_lat, u.center_lng) for u in units)
    assert all(kaizhou.bounds.contains(u.center_lat, u.center_lng) for u in units)


def test_loading_twice_changes_nothing(kaizhou):
    before = (Unit.objects.count(), Population.objects.count(), Department.objects.count())
    regions_load_file(path=KAIZHOU_FILE)
    assert (Unit.objects.count(), Population.objects.count(), Department.objects.count()) == before


def test_population_aggregates_up_the_tree(kaizhou):
    own = Population.objects.filter(unit__parent=kaizhou, year=2025)
    assert population_total(kaizhou, 2025) == sum(own.values_list("total", flat=True))
    assert Population.objects.filter(illustrative=False).count() == 0  # demo figures say so


def test_another_district_loads_from_its_own_file_at_any_depth(tmp_path):
    data = {
        "area": "X1",
        "units": [
            {"code": "X0", "name": "某省", "level": "province"},
            {"code": "X1", "name": "某县", "level": "district", "parent": "X0", "bounds": [20, 21, 100, 101]},
            {"code": "X11", "name": "某镇", "level": "town", "parent": "X1", "center": [20.5, 100.5]},
        ],
        "population": [{"unit": "X11", "year": 2025, "total": 1000}],
        "departments": [{"code": "X-WJW", "name": "某县卫健委", "unit": "X1", "is_health_commission": True}],
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    regions_load_file(path=path)
    town = Unit.objects.get(code="X11")
    assert town.path == "/X0/X1/X11/" and town.depth == 2
    assert population_total(Unit.objects.get(code="X0"), 2025) == 1000


def test_a_file_with_an_orphan_unit_loads_nothing(db):
    with pytest.raises(ValidationError):
        regions_load(data={"units": [{"code": "A", "name": "甲", "level": "town", "parent": "missing"}]})
    assert Unit.objects.count() == 0


def test_the_regions_api_lists_the_streets(client, kaizhou):
    body = client.get("/api/v1/regions/", {"level": "street", "within": "500154"}).json()
    assert body["count"] == 7
    assert client.get("/api/v1/regions/", {"level": "galaxy"}).status_code == 400


def test_units_get_an_english_name_and_a_pinyin_search_key_when_loaded(kaizhou):
    hanfeng = Unit.objects.get(name="汉丰街道")
    assert hanfeng.name_en == "Hanfeng Subdistrict"
    assert set(hanfeng.search_key.split()) >= {"hanfengjiedao", "hanfeng", "hanfengsubdistrict"}
    wenquan = Unit.objects.get(name="温泉镇")
    assert wenquan.name_en == "Wenquan Town"
    assert "wenquantown" in wenquan.search_key.split()
    assert Unit.objects.get(name="麻柳乡").name_en == "Maliu Township"
    assert Unit.objects.get(code="500000").name_en == "Chongqing"  # 重庆, not zhongqing
    assert kaizhou.name_en == "Kaizhou District"


def test_the_data_file_may_spell_the_english_name_and_a_rename_refreshes_the_key(kaizhou):
    regions_load(
        data={
            "units": [
                {
                    "code": "500154105",
                    "name": "温泉镇",
                    "level": "town",
                    "parent": "500154",
                    "name_en": "Hot Spring Town",
                }
            ]
        }
    )
    unit = Unit.objects.get(code="500154105")
    assert unit.name_en == "Hot Spring Town"
    assert {"wenquanzhen", "wenquan", "hotspringtown"} <= set(unit.search_key.split())
    unit.name, unit.name_en = "新温泉镇", ""
    unit.save()
    assert unit.name_en == "Xinwenquan Town" and "xinwenquan" in unit.search_key.split()


@pytest.mark.parametrize(
    ("text", "named", "rest"),
    [
        ("重庆市开州区汉丰街道民主路8号", ["汉丰街道"], ["民主路8号"]),
        ("开州区温泉镇", ["温泉镇"], []),
        ("Wenquan Town", ["温泉镇"], []),
        ("hàn fēng", ["汉丰街道"], []),
        ("开州区", ["开州区"], []),
        ("阳光托育园", [], ["阳光托育园"]),
    ],
)
def test_units_named_in_a_typed_address(kaizhou, text, named, rest):
    from tuoyu.regions.selectors import units_named_in

    found = units_named_in(text)
    assert [u.name for u in found.units] == named
    assert found.rest == rest
