"""The comparison page: distance from the search's point, families' ratings and complaints of the last
12 months beside the register's facts, read from feedback through core.facts in a fixed number of
queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tuoyu.bookings import services as bookings
from tuoyu.bookings.models import Enrolment, EnrolmentStatus
from tuoyu.feedback.models import Complaint, Finding, Review, ReviewStatus
from tuoyu.feedback.services import ROUTING_FILE, complaint_file, routing_load_file
from tuoyu.regions.models import Unit

pytestmark = pytest.mark.django_db


def _row(html: str, testid: str) -> str:
    match = re.search(rf'<tr data-testid="{testid}">(.*?)</tr>', html, re.S)
    assert match, f"no row {testid}"
    return match.group(1)


def _cells(row: str) -> list[str]:
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


@pytest.fixture
def pair(make_institution, family, operator):
    """A: two published reviews (4 and 5) and one held; three complaints of this year (one closed and
    found true, one open, one merged into another) and one from two years ago. B: nothing."""
    routing_load_file(path=ROUTING_FILE)
    a = make_institution(name="甲托育园", unit=Unit.objects.get(name="汉丰街道"))
    b = make_institution(name="乙托育园", unit=Unit.objects.get(name="温泉镇"))
    for overall, status in ((4, ReviewStatus.PUBLISHED), (5, ReviewStatus.PUBLISHED), (1, ReviewStatus.HELD)):
        child = bookings.child_add(
            family=family, name="小明", sex="M", birth_date=timezone.localdate() - timedelta(days=500)
        )
        enrolment = Enrolment.objects.create(
            child=child,
            institution=a,
            class_group=a.classes.first(),
            service_type="full_day",
            start_date=timezone.localdate() - timedelta(days=30),
            status=EnrolmentStatus.ACTIVE,
            recorded_by=operator,
        )
        Review.objects.create(
            institution=a, family=family, enrolment=enrolment, overall=overall, status=status
        )
    filed = [
        complaint_file(
            category="food", description=f"饭菜是凉的 {n}", anonymous=True, institution=a
        ).complaint
        for n in range(4)
    ]
    Complaint.objects.filter(pk=filed[0].pk).update(status="closed", finding=Finding.SUBSTANTIATED)
    Complaint.objects.filter(pk=filed[1].pk).update(status="merged", merged_into=filed[2])
    Complaint.objects.filter(pk=filed[3].pk).update(received_at=timezone.now() - timedelta(days=730))
    return a, b


def test_compare_shows_distance_ratings_and_complaints(client, pair):
    a, b = pair
    html = client.get(
        "/institutions/compare/", {"ids": [a.pk, b.pk], "near": f"{a.lat},{a.lng}"}
    ).content.decode()
    distance = _cells(_row(html, "compare-distance"))
    assert distance[0].startswith("0.0") and not distance[1].startswith("0.0")
    ratings = _cells(_row(html, "compare-ratings"))
    # Two published reviews (the held one does not count), whatever the language's brackets.
    assert ratings[0].startswith("4.5") and re.search(r"\D2\D", ratings[0][3:]), ratings[0]
    assert "4.5" not in ratings[1]
    complaints = _cells(_row(html, "compare-complaints"))
    # This year: the closed one found true and the open one; the merged duplicate and the old one not.
    assert re.match(r"2\D*1\D*1", complaints[0]), complaints[0]
    assert not complaints[1].startswith("2")


def test_without_a_search_point_there_is_no_distance_row(client, pair):
    a, b = pair
    for near in ("", "north", "95,108"):
        html = client.get("/institutions/compare/", {"ids": [a.pk, b.pk], "near": near}).content.decode()
        assert 'data-testid="compare-distance"' not in html
        assert 'data-testid="compare-ratings"' in html


def test_the_compare_page_issues_a_fixed_number_of_queries(client, pair, make_institution):
    a, b = pair
    c = make_institution(name="丙托育园")

    def count_queries(ids):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/institutions/compare/", {"ids": ids, "near": "31.17,108.39"})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert count_queries([a.pk]) == count_queries([a.pk, b.pk, c.pk])


def test_a_fourth_institution_is_refused_in_words(client, pair, make_institution):
    a, b = pair
    c, d = make_institution(name="丙托育园"), make_institution(name="丁托育园")
    html = client.get("/institutions/compare/", {"ids": [a.pk, b.pk, c.pk, d.pk]}).content.decode()
    assert 'role="alert"' in html
    assert "丁托育园" not in html and "丙托育园" in html


def test_the_register_reads_feedback_facts_only_through_core():
    from tuoyu.core.facts import institution_facts

    facts = institution_facts([])
    assert {"ratings", "complaints"} <= set(facts)


def test_the_search_page_carries_its_point_to_the_compare_form(client, pair):
    html = client.get("/institutions/", {"near": "31.17,108.39"}).content.decode()
    assert 'name="near" value="31.170000,108.390000"' in html
    assert "js/compare.js" in html and 'data-compare-name="甲托育园"' in html
