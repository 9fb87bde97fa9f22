"""The public API of grading: published grades with dimension totals, one grade, demonstration units;
anonymous, paged, and a fixed number of queries whatever the rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.grading import services

pytestmark = pytest.mark.django_db


def test_grades_list_and_detail(client, make_assessment):
    graded = make_assessment(share=Decimal("0.95"), publish=True)
    vetoed = make_assessment(share=Decimal("1"), failed_basic=("D6.B2",), publish=True)
    draft = make_assessment(share=Decimal("1"))
    body = client.get("/api/v1/grades/").json()
    assert body["count"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert set(rows) == {graded.pk, vetoed.pk}
    assert rows[graded.pk]["grade"] == "A" and rows[graded.pk]["grade_display"] == "A（优秀）"
    assert rows[vetoed.pk]["vetoed"] is True and rows[vetoed.pk]["grade"] == ""
    assert rows[vetoed.pk]["grade_display"] == services.NO_GRADE
    assert [d["name"] for d in rows[graded.pk]["dimensions"]][0] == "办托条件"
    assert sum(Decimal(d["points"]) for d in rows[vetoed.pk]["dimensions"]) == 100
    assert rows[graded.pk]["institution"]["name"] == graded.institution.name
    detail = client.get(f"/api/v1/grades/{graded.pk}/")
    assert detail.status_code == 200 and detail.json()["total"] == str(graded.total)
    assert client.get(f"/api/v1/grades/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/grades/", {"page_size": 0}).status_code == 400


def test_demonstration_units_api(client, make_institution, manager):
    institution = make_institution()
    services.demonstration_record(
        institution=institution, year=2026, level="municipal", title="重庆市托育服务示范单位", by=manager
    )
    body = client.get("/api/v1/demonstration-units/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["year"], row["level"], row["institution"]["id"]) == (2026, "municipal", institution.pk)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_grades_api_is_a_fixed_number_of_queries(client, make_assessment, make_institution, manager):
    for _ in range(2):
        make_assessment(share=Decimal("0.85"), publish=True)
    two = _queries(client, "/api/v1/grades/")
    for _ in range(8):
        make_assessment(share=Decimal("0.95"), publish=True)
    assert _queries(client, "/api/v1/grades/") == two
    for year in (2024, 2025):
        services.demonstration_record(
            institution=make_institution(), year=year, level="municipal", title="示范", by=manager
        )
    few = _queries(client, "/api/v1/demonstration-units/")
    for year in range(2016, 2024):
        services.demonstration_record(
            institution=make_institution(), year=year, level="district", title="示范", by=manager
        )
    assert _queries(client, "/api/v1/demonstration-units/") == few
