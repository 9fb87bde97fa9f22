"""Public complaint statistics: merged duplicates counted once, partly substantiated counted as
substantiated, per street or town and per category, and never a trace of who reported."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tuoyu.feedback import stats
from tuoyu.feedback.models import Complaint
from tuoyu.feedback.services import complaint_answer, complaint_merge

pytestmark = pytest.mark.django_db

REPORTER_NAME, REPORTER_PHONE = "王小明", "13912345678"


@pytest.fixture(autouse=True)
def in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cases(file_complaint, make_institution, hc_lead):
    """One institution with: food ×3 (one merged into another, one partly substantiated on time),
    safety ×1 substantiated, hygiene ×1 not substantiated, and a food complaint 4 years old."""
    nursery = make_institution()
    food = [file_complaint(institution=nursery, category="food").complaint for _ in range(3)]
    complaint_merge(complaint=food[2], into=food[0], by=hc_lead)
    complaint_answer(complaint=food[0], by=hc_lead, finding="partly", answer="午餐温度不足，已整改。")
    safety = file_complaint(institution=nursery, category="safety", anonymous=True).complaint
    complaint_answer(complaint=safety, by=hc_lead, finding="substantiated", answer="楼梯护栏已加装。")
    hygiene = file_complaint(institution=nursery, category="hygiene").complaint
    complaint_answer(complaint=hygiene, by=hc_lead, finding="not_substantiated", answer="现场检查正常。")
    Complaint.objects.filter(pk=hygiene.pk).update(answered_on_time=False)
    old = file_complaint(institution=nursery, category="food").complaint
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=4 * 365))
    return nursery


def test_an_institutions_counts_per_category_exclude_merged_duplicates_and_old_cases(cases):
    result = stats.institution_complaint_stats(cases)
    rows = {row.category: (row.received, row.substantiated, row.answered_on_time) for row in result.rows}
    assert rows == {"food": (2, 1, 1), "safety": (1, 1, 1), "hygiene": (1, 0, 0)}
    assert (result.total.received, result.total.substantiated, result.total.answered_on_time) == (4, 2, 2)


def test_the_institution_stats_are_one_query(cases, django_assert_num_queries):
    with django_assert_num_queries(1):
        stats.institution_complaint_stats(cases)


def test_the_institution_page_shows_the_table_and_what_it_means_without_the_reporter(client, cases):
    page = client.get(reverse("institutions:detail", args=[cases.pk])).content.decode()
    assert 'data-testid="complaint-stats"' in page
    assert "does not by itself mean" in page
    assert "Food" in page and "Safety hazard" in page
    assert REPORTER_NAME not in page and REPORTER_PHONE not in page


def test_an_institution_without_complaints_says_so(client, make_institution):
    page = client.get(reverse("institutions:detail", args=[make_institution().pk])).content.decode()
    assert 'data-testid="no-complaints"' in page


def test_units_and_categories_of_the_year_count_the_same_cases(cases, hanfeng):
    since = timezone.localdate().replace(month=1, day=1)
    units = stats.unit_complaint_stats(since)
    by_name = {row.name: row.counts for row in units}
    assert by_name["汉丰街道"].received == 4
    assert by_name["汉丰街道"].substantiated == 2
    assert by_name["汉丰街道"].answered == 3
    assert by_name["汉丰街道"].answered_on_time == 2
    assert sum(row.counts.received for row in units) == stats.totals(units).received == 4
    categories = dict(stats.category_complaint_stats(since))
    assert categories["Food"].received == 2 and categories["Food"].substantiated == 1
    assert categories["Other"].received == 0


def test_open_cases_past_their_deadline_count_as_overdue(file_complaint):
    open_case = file_complaint(category="food").complaint
    Complaint.objects.filter(pk=open_case.pk).update(answer_due_on=timezone.localdate() - timedelta(days=1))
    since = timezone.localdate().replace(month=1, day=1)
    assert stats.totals(stats.unit_complaint_stats(since)).overdue_open == 1


def test_the_unit_stats_are_a_fixed_number_of_queries(cases, file_complaint, django_assert_max_num_queries):
    since = timezone.localdate().replace(month=1, day=1)
    with django_assert_max_num_queries(4):
        stats.unit_complaint_stats(since)
    for _ in range(5):
        file_complaint(category="fees")
    with django_assert_max_num_queries(4):
        stats.unit_complaint_stats(since)


def test_the_public_statistics_page_shows_the_year_without_any_reporter(client, cases):
    response = client.get(reverse("feedback:statistics"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "汉丰街道" in page
    assert 'data-testid="total-received">4<' in page
    assert REPORTER_NAME not in page and REPORTER_PHONE not in page
    last_year = client.get(reverse("feedback:statistics"), {"year": timezone.localdate().year - 1})
    assert 'data-testid="total-received">0<' in last_year.content.decode()
    assert client.get(reverse("feedback:statistics"), {"year": "abc"}).status_code == 200


def test_the_export_reads_back_with_openpyxl_and_holds_no_reporter(client, cases):
    response = client.get(reverse("feedback:statistics_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Street or town", "Received"]
    by_first = {r[0]: r[1:] for r in rows if r and r[0]}
    assert by_first["汉丰街道"][:4] == [4, 2, 3, 2]
    assert by_first["Total"][0] == 4
    assert by_first["Food"][:2] == [2, 1]
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    assert REPORTER_NAME not in flat and REPORTER_PHONE not in flat
