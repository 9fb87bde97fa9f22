"""The pages of grading: who may open what (an assessor only their assessments, an institution only its
own, a family nothing), scoring on the form, publishing, the institution's review, demonstration units,
the Excel read back, and fixed query counts on the public list."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tuoyu.grading.models import Assessment, DemonstrationUnit, RubricItem, Score
from tuoyu.grading.models import AssessmentStatus as S
from tuoyu.regions.models import Unit

from .conftest import full_scores

pytestmark = pytest.mark.django_db


def test_public_pages_are_for_anonymous_visitors(client, make_assessment):
    published = make_assessment(share=Decimal("0.95"), publish=True)
    draft = make_assessment(share=Decimal("0.5"))
    response = client.get(reverse("grading:public"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="grade-{published.pk}"' in html and f'id="grade-{draft.pk}"' not in html
    assert "办托条件" in html and 'data-grade="A"' in html
    assert client.get(reverse("grading:demonstration_units")).status_code == 200


def test_public_filters_by_street_and_grade(client, make_assessment, make_institution):
    hanfeng_a = make_assessment(share=Decimal("1"), publish=True)
    baihe = make_institution(unit=Unit.objects.get(name="白鹤街道"))
    baihe_c = make_assessment(institution=baihe, share=Decimal("0.7"), publish=True)
    vetoed = make_assessment(share=Decimal("1"), failed_basic=("D1.B1",), publish=True)
    html = client.get(reverse("grading:public"), {"unit": baihe.unit_id}).content.decode()
    assert f"grade-{baihe_c.pk}" in html and f"grade-{hanfeng_a.pk}" not in html
    html = client.get(reverse("grading:public"), {"grade": "A"}).content.decode()
    assert f"grade-{hanfeng_a.pk}" in html and f"grade-{baihe_c.pk}" not in html
    html = client.get(reverse("grading:public"), {"grade": "none"}).content.decode()
    assert f"grade-{vetoed.pk}" in html and f"grade-{hanfeng_a.pk}" not in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_public_list_is_a_fixed_number_of_queries(client, make_assessment, manager):
    for _ in range(2):
        make_assessment(share=Decimal("0.95"), publish=True)
    url = reverse("grading:public")
    client.get(url)
    two = _queries(client, url)
    for _ in range(8):
        make_assessment(share=Decimal("0.85"), publish=True)
    assert _queries(client, url) == two
    assert Assessment.objects.filter(status=S.PUBLISHED).count() == 10


def test_the_government_list_is_a_fixed_number_of_queries(client, make_assessment, manager):
    client.force_login(manager)
    url = reverse("grading:assessments")
    for _ in range(2):
        make_assessment(share=Decimal("0.95"), publish=True)
    client.get(url)  # the staff session's warm-up
    two = _queries(client, url)
    for _ in range(8):
        make_assessment()
    assert _queries(client, url) == two


def test_a_family_is_refused_every_staff_page(client, family, make_assessment):
    assessment = make_assessment()
    client.force_login(family)
    for name, args in [
        ("grading:assessments", []),
        ("grading:assessment", [assessment.pk]),
        ("grading:score", [assessment.pk]),
        ("grading:institution_grades", []),
        ("grading:grades_xlsx", []),
        ("grading:demonstrations", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name


def test_an_assessor_sees_and_scores_only_their_assessments(
    client, make_assessment, assessors, outsider_assessor
):
    mine = make_assessment()
    client.force_login(outsider_assessor)
    assert client.get(reverse("grading:assessment", args=[mine.pk])).status_code == 404
    assert client.get(reverse("grading:score", args=[mine.pk])).status_code == 404
    item = RubricItem.objects.filter(dimension__rubric=mine.rubric, is_basic=False).first()
    assert client.post(reverse("grading:score", args=[mine.pk]), {f"item_{item.pk}": "1"}).status_code == 404
    assert not Score.objects.exists()
    assert f"assessment-{mine.pk}" not in client.get(reverse("grading:assessments")).content.decode()

    client.force_login(assessors[0])
    assert client.get(reverse("grading:assessment", args=[mine.pk])).status_code == 200
    page = client.get(reverse("grading:score", args=[mine.pk]))
    assert page.status_code == 200 and 'step="0.5"' in page.content.decode()
    bad = client.post(reverse("grading:score", args=[mine.pk]), {f"item_{item.pk}": "99"})
    assert bad.status_code == 200 and item.code in bad.content.decode()
    assert not Score.objects.exists()
    good = client.post(reverse("grading:score", args=[mine.pk]), {f"item_{item.pk}": "1.5"})
    assert good.status_code == 302
    assert Score.objects.get(assessment=mine, item=item).points == Decimal("1.5")


def test_create_score_and_publish_through_the_pages(client, manager, assessors, make_institution, rubric):
    institution = make_institution()
    client.force_login(manager)
    assert client.get(reverse("grading:assessment_new")).status_code == 200
    one = client.post(
        reverse("grading:assessment_new"),
        {"institution": institution.pk, "assessors": [assessors[0].pk], "assessed_on": "2026-11-20"},
    )
    assert one.status_code == 200 and not Assessment.objects.exists()
    response = client.post(
        reverse("grading:assessment_new"),
        {"institution": institution.pk, "assessors": [a.pk for a in assessors], "assessed_on": "2026-11-20"},
    )
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "grading:assessment", args=[assessment.pk]
    )
    # Publishing with nothing scored is refused and says which items are missing.
    refused = client.post(reverse("grading:publish", args=[assessment.pk]), follow=True)
    assert "D1.1" in refused.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT

    client.force_login(assessors[1])
    form = {
        f"item_{pk}": ("yes" if value is True else str(value)) for pk, value in full_scores(rubric).items()
    }
    assert client.post(reverse("grading:score", args=[assessment.pk]), form).status_code == 302
    client.force_login(manager)
    client.post(reverse("grading:publish", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert (assessment.status, assessment.grade, assessment.total) == (S.PUBLISHED, "A", Decimal("100"))
    assert client.get(reverse("grading:publish", args=[assessment.pk])).status_code == 405


def test_the_institution_sees_only_its_own_and_asks_once_for_a_review(
    client, make_assessment, member, operator, other_operator, manager
):
    own = make_assessment(share=Decimal("0.85"), publish=True)
    other = make_assessment(share=Decimal("0.95"), publish=True)
    member(own.institution)
    member(other.institution, other_operator)
    client.force_login(operator)
    html = client.get(reverse("grading:institution_grades")).content.decode()
    assert f"assessment-{own.pk}" in html and f"assessment-{other.pk}" not in html
    assert "保育照护" in html
    assert client.get(reverse("grading:review_request", args=[other.pk])).status_code == 404
    page = client.get(reverse("grading:review_request", args=[own.pk]))
    assert page.status_code == 200 and 'id="review-rule"' in page.content.decode()
    assert (
        client.post(
            reverse("grading:review_request", args=[own.pk]), {"reason": "安全保障评分有误"}
        ).status_code
        == 302
    )
    again = client.post(reverse("grading:review_request", args=[own.pk]), {"reason": "再申请"})
    assert again.status_code == 200 and 'id="form-errors"' in again.content.decode()
    own.refresh_from_db()
    assert own.status == S.REVIEW_REQUESTED and own.review_reason == "安全保障评分有误"
    assert client.get(reverse("grading:assessment", args=[own.pk])).status_code == 403

    client.force_login(manager)
    items = RubricItem.objects.filter(dimension__rubric=own.rubric)
    data = {"outcome": "复核：维持"}
    for item in items:
        score = Score.objects.get(assessment=own, item=item)
        data[f"review-item_{item.pk}"] = (
            ("yes" if score.met else "no") if item.is_basic else str(score.points)
        )
    assert client.get(reverse("grading:review_decide", args=[own.pk])).status_code == 200
    assert client.post(reverse("grading:review_decide", args=[own.pk]), data).status_code == 302
    own.refresh_from_db()
    assert (own.status, own.grade, own.grade_before_review) == (S.REVIEWED, "B", "B")


def test_demonstration_pages_refuse_a_duplicate(client, manager, make_institution):
    institution = make_institution()
    client.force_login(manager)
    data = {
        "institution": institution.pk,
        "year": 2026,
        "level": "municipal",
        "title": "重庆市托育服务示范单位",
    }
    assert client.post(reverse("grading:demonstration_new"), data).status_code == 302
    again = client.post(reverse("grading:demonstration_new"), data)
    assert again.status_code == 200 and 'id="form-errors"' in again.content.decode()
    assert DemonstrationUnit.objects.count() == 1
    html = client.get(reverse("grading:demonstration_units")).content.decode()
    assert institution.name in html and "重庆市托育服务示范单位" in html


def test_the_excel_of_grades_reads_back(client, manager, make_assessment):
    graded = make_assessment(share=Decimal("0.95"), publish=True)
    vetoed = make_assessment(share=Decimal("1"), failed_basic=("D2.B1",), publish=True)
    make_assessment()  # not published: not in the sheet
    client.force_login(manager)
    response = client.get(reverse("grading:grades_xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-7:] == (
        "办托条件",
        "托育队伍",
        "保育照护",
        "卫生保健",
        "养育支持",
        "安全保障",
        "机构管理",
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {graded.institution.name, vetoed.institution.name}
    assert by_name[graded.institution.name][6] == "A"
    assert by_name[vetoed.institution.name][6] == "不予评级"
    assert by_name[vetoed.institution.name][5] == 100
    assert sum(by_name[vetoed.institution.name][-7:]) == 100


def test_the_register_page_shows_the_grade_and_demonstration_title(client, make_assessment, manager):
    from tuoyu.grading import services

    assessment = make_assessment(share=Decimal("0.95"), publish=True)
    services.demonstration_record(
        institution=assessment.institution,
        year=2026,
        level="municipal",
        title="重庆市托育服务示范单位",
        by=manager,
    )
    html = client.get(reverse("institutions:detail", args=[assessment.institution_id])).content.decode()
    assert 'id="quality-grade"' in html and 'data-grade="A"' in html
    # The page shows the date in the district's time zone: after 16:00 UTC it is already the next day there.
    assert f"{timezone.localdate(assessment.published_at):%Y-%m-%d}" in html
    assert "重庆市托育服务示范单位" in html
