"""Who sees what: operators only their own applications, reviewers all, departments only their cases."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuoyu.filings import services
from tuoyu.filings.models import CoordinationCase, FilingStatus
from tuoyu.regions.models import Department

pytestmark = pytest.mark.django_db


def test_an_operator_sees_only_their_own_applications(client, applicant_and_filing):
    mine_user, mine = applicant_and_filing()
    _other_user, other = applicant_and_filing(name="别家托育园")
    client.force_login(mine_user)
    assert client.get(f"/filings/{mine.pk}/").status_code == 200
    for url in (
        f"/filings/{other.pk}/",
        f"/filings/{other.pk}/edit/",
        f"/filings/{other.pk}/materials/",
        f"/filings/{other.pk}/receipt.pdf",
    ):
        assert client.get(url).status_code == 404, url
    material = other.materials.first()
    assert client.get(f"/filings/{other.pk}/materials/{material.pk}/").status_code == 404
    assert "别家托育园" not in client.get("/filings/mine/").content.decode()


def test_reviewers_see_every_application_in_the_queue(client, submitted, reviewer):
    _u, first = submitted(name="甲托育园")
    _u, second = submitted(name="乙托育园")
    client.force_login(reviewer)
    page = client.get("/filings/review/").content.decode()
    assert "甲托育园" in page and "乙托育园" in page
    material = first.materials.first()
    assert client.get(f"/filings/{first.pk}/materials/{material.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["family", "inspector", "street_officer"])
def test_other_roles_cannot_open_applications_or_materials(client, request, submitted, persona):
    _u, filing = submitted()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(f"/filings/{filing.pk}/").status_code == 403
    assert client.get(f"/filings/{filing.pk}/materials/{filing.materials.first().pk}/").status_code == 403
    assert client.get("/filings/review/").status_code == 403


def test_the_queue_puts_the_nearest_deadline_first_and_marks_overdue(client, submitted, reviewer):
    _u, late = submitted(name="逾期托育园")
    _u, fresh = submitted(name="新交托育园")
    type(late).objects.filter(pk=late.pk).update(due_on=date.today() - timedelta(days=10))
    client.force_login(reviewer)
    page = client.get("/filings/review/").content.decode()
    assert page.index("逾期托育园") < page.index("新交托育园")
    assert 'class="overdue"' in page


def test_the_queue_issues_the_same_queries_for_one_filing_or_four(client, submitted, reviewer):
    # Each row shows two working-day deadlines; they come from one read of the holiday table
    # (core.workdays.deadline_statuses), not one read per row.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted(name="一号托育园")
    client.force_login(reviewer)
    client.get("/filings/review/")  # warm-up: the staff session stamps its last-seen time once
    with CaptureQueriesContext(connection) as one:
        assert client.get("/filings/review/").status_code == 200
    for n in range(3):
        submitted(name=f"{n}号托育园")
    with CaptureQueriesContext(connection) as four:
        page = client.get("/filings/review/").content.decode()
    assert "2号托育园" in page
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]


def test_a_filing_submitted_before_spring_festival_is_due_after_it(submitted, monkeypatch):
    from django.utils import timezone

    # Friday 24 January 2025; the Spring Festival holiday runs 28 January to 4 February, and Sunday
    # 26 January and Saturday 8 February are adjusted working days: 26, 27 Jan, then 5, 6, 7 Feb make
    # five working days; 8 (Sat), 10–14 and 17–20 Feb bring the count to fifteen.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2025, 1, 24))
    _user, filing = submitted()
    assert filing.due_on == date(2025, 2, 7)
    assert filing.check_due_on == date(2025, 2, 20)


def _case(filing, reviewer, *departments, deadline=None):
    return services.case_open(
        filing=filing,
        by=reviewer,
        title="消防验收与场地性质",
        domain="fire",
        description="非独立场所的消防验收备案需协调。",
        departments=departments,
        deadline=deadline or date.today() + timedelta(days=10),
    )


def test_a_coordination_case_is_seen_only_by_its_departments(client, submitted, reviewer, inspector, kaizhou):
    from tuoyu.accounts.models import User

    _u, filing = submitted()
    fire = Department.objects.get(code="KZ-XF")
    fire_officer = User.objects.create_user(
        username="fire", password="x", role="dept_officer", department=fire
    )
    case = _case(filing, reviewer, fire)
    client.force_login(fire_officer)
    assert client.get(f"/filings/cases/{case.pk}/").status_code == 200
    assert "消防验收与场地性质" in client.get("/filings/cases/").content.decode()
    client.post(
        f"/filings/cases/{case.pk}/", {"action": "opinion", "text": "可按非独立场所单独办理消防验收备案。"}
    )
    assert case.opinions.get().department == fire
    client.force_login(inspector)  # market supervision is not part of this case
    assert client.get(f"/filings/cases/{case.pk}/").status_code == 404
    assert "消防验收与场地性质" not in client.get("/filings/cases/").content.decode()
    with pytest.raises(PermissionDenied):
        services.case_add_opinion(case=case, by=inspector, text="我也说两句")
    client.force_login(reviewer)
    client.post(
        f"/filings/cases/{case.pk}/", {"action": "resolve", "resolution": "按消防部门意见办理，限期30日。"}
    )
    case.refresh_from_db()
    assert case.status == CoordinationCase.Status.RESOLVED and "30日" in case.resolution
    with pytest.raises(ValidationError):
        services.case_add_opinion(case=case, by=fire_officer, text="补充")


def test_a_case_needs_a_future_deadline_and_a_department(submitted, reviewer, kaizhou):
    _u, filing = submitted()
    fire = Department.objects.get(code="KZ-XF")
    with pytest.raises(ValidationError):
        _case(filing, reviewer, fire, deadline=date.today() - timedelta(days=1))
    with pytest.raises(ValidationError):
        _case(filing, reviewer)
    assert CoordinationCase.objects.count() == 0


def test_only_the_health_commission_opens_cases(submitted, inspector, kaizhou):
    _u, filing = submitted()
    with pytest.raises(PermissionDenied):
        _case(filing, inspector, Department.objects.get(code="KZ-XF"))


def test_the_notice_feed_has_rss_atom_and_excel(client, submitted, reviewer):
    from io import BytesIO

    from openpyxl import load_workbook

    _u, filing = submitted(name="公示托育园")
    filing = services.filing_approve(filing=filing, by=reviewer)
    rss = client.get("/filings/notices/rss/")
    assert rss.status_code == 200 and b"<rss" in rss.content and "公示托育园" in rss.content.decode()
    atom = client.get("/filings/notices/atom/")
    assert b"http://www.w3.org/2005/Atom" in atom.content
    sheet = load_workbook(BytesIO(client.get("/filings/notices/export.xlsx").content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][2] == "公示托育园" and rows[1][3] == filing.filing_number
    assert client.get("/filings/notices/", {"kind": "filed"}).status_code == 200


def test_the_receipt_is_a_real_pdf_with_the_filing_number(client, submitted, reviewer):
    from io import BytesIO

    from pypdf import PdfReader

    user, filing = submitted(name="回执托育园")
    filing = services.filing_approve(filing=filing, by=reviewer)
    client.force_login(user)
    response = client.get(f"/filings/{filing.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert (
        filing.filing_number in text and "回执托育园" in text and filing.receipt_code in text.replace("-", "")
    )


def test_a_draft_has_no_receipt(client, applicant_and_filing):
    user, filing = applicant_and_filing()
    client.force_login(user)
    assert client.get(f"/filings/{filing.pk}/receipt.pdf").status_code == 302
    assert filing.status == FilingStatus.DRAFT


def test_every_submitted_version_stays_readable(client, submitted, reviewer):
    user, filing = submitted(name="版本托育园")
    services.filing_return(filing=filing, by=reviewer, comments={"institution": "名称与营业执照不一致"})
    data = filing.data
    data["institution"]["name"] = "版本托育园（更正）"
    services.filing_save_draft(filing=filing, by=user, data=data, pledge=True)
    services.filing_submit(filing=filing, by=user)
    client.force_login(user)
    # The page title names the application as it is now; the data block shows the version asked for.
    first = (
        client.get(f"/filings/{filing.pk}/versions/1/").content.decode().split('data-testid="review-data"')[1]
    )
    second = (
        client.get(f"/filings/{filing.pk}/versions/2/").content.decode().split('data-testid="review-data"')[1]
    )
    assert "版本托育园" in first and "更正" not in first and "名称与营业执照不一致" in first
    assert "版本托育园（更正）" in second
    assert client.get(f"/filings/{filing.pk}/versions/9/").status_code == 404
