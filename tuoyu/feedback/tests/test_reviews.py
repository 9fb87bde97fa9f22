"""Verified reviews: only a real visit or place earns one review, words and personal data wait for a
moderator, the institution answers once, and the public never learns who wrote it."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tuoyu.bookings import services as bookings
from tuoyu.bookings.models import Enrolment, EnrolmentStatus, Visit, VisitSlot, VisitStatus
from tuoyu.feedback import reviews
from tuoyu.feedback.models import ModeratedWord, Review, ReviewStatus
from tuoyu.institutions.models import InstitutionMembership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    """Messages are asserted in English: services in an English override, pages asked for in English,
    so the tests hold before and after the Chinese catalogue changes."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def nursery(make_institution, operator):
    institution = make_institution()
    InstitutionMembership.objects.create(institution=institution, user=operator)
    return institution


@pytest.fixture
def li_family(db):
    from tuoyu.accounts.models import User

    return User.objects.create_user(
        username="13912340000", phone="13912340000", display_name="李家长", role="family"
    )


@pytest.fixture
def visit_to(operator):
    """visit_to(institution, family, attended=True): a visit booked and recorded through the services."""

    def make(institution, family, *, attended=True):
        starts = timezone.now() + timedelta(days=1)
        slot = bookings.visit_slot_create(
            institution=institution,
            by=operator,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=5,
        )
        visit = bookings.visit_book(slot=slot, family=family, idempotency_key=uuid.uuid4().hex)
        if attended is not None:
            visit = bookings.visit_record(visit=visit, by=operator, attended=attended)
        return visit

    return make


@pytest.fixture
def enrol(operator):
    """enrol(institution, family): the family's child with a place (straight in the ORM: the places
    bookkeeping is the bookings app's and tested there)."""

    def make(institution, family, *, status=EnrolmentStatus.ACTIVE):
        child = bookings.child_add(
            family=family, name="小明", sex="M", birth_date=timezone.localdate() - timedelta(days=500)
        )
        return Enrolment.objects.create(
            child=child,
            institution=institution,
            class_group=institution.classes.first(),
            service_type="full_day",
            start_date=timezone.localdate() - timedelta(days=30),
            status=status,
            recorded_by=operator,
        )

    return make


def submit(family, *, visit=None, enrolment=None, overall=4, text="老师很耐心，环境干净。", **aspects):
    return reviews.review_submit(
        family=family, visit=visit, enrolment=enrolment, overall=overall, aspects=aspects, text=text
    )


# --- who may review, and how often ----------------------------------------------------------------


def test_a_family_with_an_attended_visit_reviews_it_once_and_a_second_is_refused_with_a_message(
    client, family, nursery, visit_to
):
    visit = visit_to(nursery, family)
    client.force_login(family)
    url = reverse("feedback:review_new", args=["visit", visit.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"overall": "5", "safety": "4", "meals": "", "text": "很好"})
    assert response.status_code == 302
    review = Review.objects.get(visit=visit)
    assert (review.overall, review.safety, review.meals, review.status) == (
        5,
        4,
        None,
        ReviewStatus.PUBLISHED,
    )
    assert review.institution == nursery and review.family == family

    with pytest.raises(ValidationError) as exc:
        submit(family, visit=visit)
    assert "already reviewed" in " ".join(exc.value.messages)
    # The page says so too, instead of showing the form again.
    response = client.post(url, {"overall": "1", "text": "再来一次"}, follow=True)
    assert "already reviewed" in response.content.decode()
    assert Review.objects.filter(visit=visit).count() == 1


def test_the_unique_column_turns_a_lost_race_into_the_same_message(family, nursery, visit_to, monkeypatch):
    visit = visit_to(nursery, family)
    submit(family, visit=visit)
    # As if the second request had checked before the first one wrote.
    monkeypatch.setattr(reviews.Review.objects, "filter", lambda **kw: Review.objects.none())
    with pytest.raises(ValidationError) as exc:
        submit(family, visit=visit)
    assert "already reviewed" in " ".join(exc.value.messages)


def test_a_booked_visit_that_was_not_attended_cannot_be_reviewed(client, family, nursery, visit_to):
    booked = visit_to(nursery, family, attended=None)
    no_show = visit_to(nursery, family, attended=False)
    for visit in (booked, no_show):
        with pytest.raises(PermissionDenied):
            submit(family, visit=visit)
    client.force_login(family)
    assert client.get(reverse("feedback:review_new", args=["visit", booked.pk])).status_code == 404
    assert (
        client.post(reverse("feedback:review_new", args=["visit", booked.pk]), {"overall": "5"}).status_code
        == 404
    )
    assert not Review.objects.exists()


def test_another_familys_visit_is_a_404_and_the_service_refuses_it(
    client, family, li_family, nursery, visit_to
):
    theirs = visit_to(nursery, li_family)
    with pytest.raises(PermissionDenied):
        submit(family, visit=theirs)
    client.force_login(family)
    url = reverse("feedback:review_new", args=["visit", theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"overall": "1", "text": "x"}).status_code == 404
    assert client.get(reverse("feedback:review_new", args=["bogus", theirs.pk])).status_code == 404
    assert not Review.objects.exists()


def test_an_enrolment_active_or_ended_can_be_reviewed_by_the_childs_family_only(
    client, family, li_family, nursery, enrol
):
    active = enrol(nursery, family)
    ended = enrol(nursery, li_family, status=EnrolmentStatus.ENDED)
    with pytest.raises(PermissionDenied):
        submit(family, enrolment=ended)
    client.force_login(family)
    response = client.post(
        reverse("feedback:review_new", args=["enrolment", active.pk]),
        {"overall": "3", "care": "5", "text": ""},
    )
    assert response.status_code == 302
    assert Review.objects.get(enrolment=active).care == 5
    assert submit(li_family, enrolment=ended).status == ReviewStatus.PUBLISHED
    labels = {reviews.reviewer_label(r) for r in reviews.published_reviews(nursery)}
    assert labels == {"A parent whose child attends", "A parent whose child attended"}


def test_scores_and_length_are_checked_and_nothing_is_saved(family, nursery, visit_to):
    visit = visit_to(nursery, family)
    for bad in (
        {"overall": 0},
        {"overall": 6},
        {"overall": 4, "safety": 9},
        {"overall": 4, "text": "长" * 1001},
        {"overall": 4, "smell": 3},
    ):
        overall = bad.pop("overall")
        text = bad.pop("text", "")
        with pytest.raises(ValidationError):
            reviews.review_submit(family=family, visit=visit, overall=overall, aspects=bad, text=text)
    assert not Review.objects.exists()
    assert submit(family, visit=visit, text="长" * 1000).pk


def test_the_family_page_lists_what_it_can_review_and_then_its_review_with_the_status(
    client, family, nursery, visit_to, enrol
):
    visit = visit_to(nursery, family)
    enrolment = enrol(nursery, family)
    visit_to(nursery, family, attended=False)
    assert {(r.basis, r.pk) for r in reviews.reviewable_for(family)} == {
        ("visit", visit.pk),
        ("enrolment", enrolment.pk),
    }
    submit(family, visit=visit, text="有人骂人：傻逼")
    assert [(r.basis, r.pk) for r in reviews.reviewable_for(family)] == [("enrolment", enrolment.pk)]
    client.force_login(family)
    page = client.get(reverse("feedback:reviews_mine")).content.decode()
    assert reverse("feedback:review_new", args=["enrolment", enrolment.pk]) in page
    assert reverse("feedback:review_new", args=["visit", visit.pk]) not in page
    assert "Waiting for a moderator" in page


# --- moderation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "这家的老师是个 骗子团伙 的人",  # a word from the ModeratedWord table
        "园长就是个SB傻逼",  # a default word
        "有事打园长电话 138 0013 8000",  # a mobile number
        "园长手机１３９１２３４５６７８",  # full-width digits
        "孩子身份证号 11010519491231002X 被泄露",  # an ID number
    ],
)
def test_words_and_personal_data_hold_a_review_until_a_moderator_publishes_it(
    client, family, nursery, visit_to, reviewer, text
):
    ModeratedWord.objects.create(word="骗子团伙")
    review = submit(family, visit=visit_to(nursery, family), text=text)
    assert review.status == ReviewStatus.HELD
    assert review.held_reason

    public_page = client.get(reverse("feedback:institution_reviews", args=[nursery.pk])).content.decode()
    assert text not in public_page
    assert reviews.rating_summary(nursery).count == 0

    client.force_login(reviewer)
    assert text in client.get(reverse("feedback:moderation")).content.decode()
    assert (
        client.post(reverse("feedback:moderate", args=[review.pk]), {"decision": "publish"}).status_code
        == 302
    )
    review.refresh_from_db()
    assert (review.status, review.moderated_by) == (ReviewStatus.PUBLISHED, reviewer)
    client.logout()
    assert text in client.get(reverse("feedback:institution_reviews", args=[nursery.pk])).content.decode()


def test_a_clean_review_is_published_at_once_and_a_moderator_can_take_it_down(
    client, family, nursery, visit_to, reviewer, operator
):
    review = submit(family, visit=visit_to(nursery, family), text="午餐很丰富，2024年入园。")
    assert review.status == ReviewStatus.PUBLISHED
    with pytest.raises(PermissionDenied):
        reviews.review_moderate(review=review, by=operator, publish=False)
    client.force_login(reviewer)
    client.post(reverse("feedback:moderate", args=[review.pk]), {"decision": "reject"})
    review.refresh_from_db()
    assert review.status == ReviewStatus.REJECTED
    client.force_login(operator)
    assert (
        client.post(reverse("feedback:moderate", args=[review.pk]), {"decision": "publish"}).status_code
        == 403
    )


# --- the institution's reply ---------------------------------------------------------------------


def test_the_institution_replies_once_and_the_reply_is_public(client, family, nursery, visit_to, operator):
    review = submit(family, visit=visit_to(nursery, family))
    client.force_login(operator)
    page = client.get(reverse("feedback:institution_review_list")).content.decode()
    assert reverse("feedback:review_reply", args=[review.pk]) in page

    response = client.post(reverse("feedback:review_reply", args=[review.pk]), {"text": "谢谢您的肯定！"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.reply, review.replied_by) == ("谢谢您的肯定！", operator)

    response = client.post(
        reverse("feedback:review_reply", args=[review.pk]), {"text": "再说一次"}, follow=True
    )
    assert "already replied" in response.content.decode()
    with pytest.raises(ValidationError):
        reviews.review_reply(review=review, by=operator, text="第三次")
    review.refresh_from_db()
    assert review.reply == "谢谢您的肯定！"
    client.logout()
    assert "谢谢您的肯定！" in client.get(reverse("institutions:detail", args=[nursery.pk])).content.decode()


def test_another_institutions_operator_cannot_reply(client, family, nursery, visit_to, other_operator):
    review = submit(family, visit=visit_to(nursery, family))
    with pytest.raises(PermissionDenied):
        reviews.review_reply(review=review, by=other_operator, text="不是我们的")
    client.force_login(other_operator)
    response = client.post(reverse("feedback:review_reply", args=[review.pk]), {"text": "不是我们的"})
    assert response.status_code in (403, 404)
    assert review.pk not in [r.pk for r in reviews.reviews_for_institution_user(other_operator)]
    review.refresh_from_db()
    assert review.replied_at is None and review.reply == ""


# --- the public ----------------------------------------------------------------------------------


def test_the_public_pages_show_the_average_and_count_and_never_the_family(
    client, li_family, nursery, visit_to, enrol
):
    submit(li_family, visit=visit_to(nursery, li_family), overall=5, safety=5, text="很好")
    submit(li_family, visit=visit_to(nursery, li_family), overall=4, safety=3, text="不错")
    submit(li_family, enrolment=enrol(nursery, li_family), overall=4, text="")
    summary = reviews.rating_summary(nursery)
    assert (summary.count, summary.overall) == (3, 4.3)
    assert dict(summary.aspects) == {"Safe environment": 4.0}

    for url in (
        reverse("institutions:detail", args=[nursery.pk]),
        reverse("feedback:institution_reviews", args=[nursery.pk]),
    ):
        page = client.get(url).content.decode()
        assert "4.3 / 5, reviews: 3" in page
        assert "A parent who visited" in page and "A parent whose child attends" in page
        assert "李家长" not in page
        assert "13912340000" not in page and "139****0000" not in page
        assert "小明" not in page
    detail = client.get(reverse("institutions:detail", args=[nursery.pk])).content.decode()
    assert reverse("feedback:institution_reviews", args=[nursery.pk]) in detail


def test_reviews_of_an_institution_not_in_the_register_are_not_public(client, make_institution):
    draft = make_institution(status="draft")
    assert client.get(reverse("feedback:institution_reviews", args=[draft.pk])).status_code == 404


def _reviews(institution, family, n):
    """n published reviews, straight in the ORM: the query count is about reading them."""
    start = timezone.now() - timedelta(days=3)
    for i in range(n):
        slot = VisitSlot.objects.create(
            institution=institution,
            starts_at=start + timedelta(hours=i),
            ends_at=start + timedelta(hours=i, minutes=30),
        )
        visit = Visit.objects.create(
            slot=slot, family=family, status=VisitStatus.ATTENDED, idempotency_key=f"k{institution.pk}-{i}"
        )
        Review.objects.create(
            institution=institution,
            family=family,
            visit=visit,
            overall=1 + i % 5,
            safety=3,
            text=f"第{i}条",
            reply="谢谢" if i % 2 else "",
            replied_at=timezone.now() if i % 2 else None,
        )


@pytest.mark.parametrize("url_name", ["institutions:detail", "feedback:institution_reviews"])
def test_the_query_count_of_the_pages_does_not_grow_with_the_reviews(
    client, family, make_institution, url_name
):
    few, many = make_institution(), make_institution()
    _reviews(few, family, 3)
    _reviews(many, family, 20)
    counts = []
    for institution in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name, args=[institution.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_rating_summary_is_one_query(family, nursery, django_assert_num_queries):
    _reviews(nursery, family, 7)
    with django_assert_num_queries(1):
        summary = reviews.rating_summary(nursery)
    assert summary.count == 7


def test_the_institution_page_links_to_the_complaint_form_when_it_exists(client, nursery):
    page = client.get(reverse("institutions:detail", args=[nursery.pk])).content.decode()
    try:
        report = reverse("feedback:report")
    except Exception:  # noqa: BLE001 - the report form is built separately; the page must not break
        pytest.skip("feedback:report is not routed yet")
    assert f"{report}?institution={nursery.pk}" in page


@pytest.mark.parametrize(
    ("url_name", "who", "status"),
    [
        ("feedback:institution_review_list", "operator", ReviewStatus.PUBLISHED),
        ("feedback:moderation", "reviewer", ReviewStatus.HELD),
        ("feedback:reviews_mine", "family", ReviewStatus.PUBLISHED),
    ],
)
def test_the_working_lists_take_a_fixed_number_of_queries(
    client, request, family, operator, make_institution, url_name, who, status
):
    client.force_login(request.getfixturevalue(who))
    # A first request stamps a staff session's last-seen time (at most once a minute): not counted.
    client.get(reverse(url_name))
    counts = []
    for n in (3, 20):
        institution = make_institution()
        InstitutionMembership.objects.create(institution=institution, user=operator)
        _reviews(institution, family, n)
        Review.objects.update(status=status)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
