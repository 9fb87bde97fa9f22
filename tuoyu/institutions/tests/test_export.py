from io import BytesIO

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_a_reviewer_downloads_the_whole_register_in_every_status(client, reviewer, make_institution):
    filed = make_institution(is_puhui=True)
    draft = make_institution(status="draft")
    client.force_login(reviewer)
    rows = _sheet(client.get("/institutions/export.xlsx"))
    header, body = rows[0], rows[1:]
    assert header[0] == "名称" and "备案号" in header
    names = {row[0]: row for row in body}
    assert set(names) == {filed.name, draft.name}
    assert names[filed.name][header.index("备案号")] == filed.filing_number
    assert names[filed.name][header.index("空余托位")] == 5
    assert names[filed.name][header.index("普惠性")] == "是"
    assert names[draft.name][header.index("状态")] == "草稿"


def test_a_street_officer_gets_only_their_street(client, street_officer, make_institution):
    from tuoyu.regions.models import Unit

    mine = make_institution()
    other = make_institution(unit=Unit.objects.get(name="白鹤街道"))
    client.force_login(street_officer)
    names = [row[0] for row in _sheet(client.get("/institutions/export.xlsx"))[1:]]
    assert names == [mine.name] and other.name not in names


@pytest.mark.parametrize("persona", ["family", "operator"])
def test_families_and_institutions_cannot_download_the_register(client, request, persona, kaizhou):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/institutions/export.xlsx").status_code == 403


def test_the_export_issues_a_fixed_number_of_queries(client, reviewer, make_institution):
    for _ in range(3):
        make_institution()
    client.force_login(reviewer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A staff session stamps its last-seen time at most once a minute (core.security): the first request
    # writes it, so it is made before counting.
    client.get("/institutions/export.xlsx")
    with CaptureQueriesContext(connection) as few:
        client.get("/institutions/export.xlsx")
    for _ in range(15):
        make_institution()
    with CaptureQueriesContext(connection) as many:
        client.get("/institutions/export.xlsx")
    assert len(many.captured_queries) == len(few.captured_queries)
