"""The assessment workflow: the transition matrix pair by pair, and the services that walk it (scoring
rules, the veto of a basic item, the bands, publishing refused while items are unscored, the one review
within its window)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuoyu.core.statemachine import REFUSED_CODE, transition
from tuoyu.core.workdays import add_workdays
from tuoyu.grading import services
from tuoyu.grading.models import Assessment, AssessmentEvent, Rubric, RubricItem, Score
from tuoyu.grading.models import AssessmentStatus as S
from tuoyu.grading.workflow import WORKFLOW

from .conftest import full_scores

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("from_status", "to_status"), [(a, b) for a in S.values for b in S.values], ids=str)
def test_transition_matrix(make_assessment, manager, from_status, to_status):
    assessment = make_assessment()
    # The row is put in the starting status directly: the matrix is about the table, not the services.
    Assessment.objects.filter(pk=assessment.pk).update(status=from_status)
    assessment.refresh_from_db()
    if WORKFLOW.can(from_status, to_status):
        moved = transition(WORKFLOW, assessment, to_status, by=manager)
        assert Assessment.objects.get(pk=assessment.pk).status == to_status
        event = AssessmentEvent.objects.get(assessment=assessment)
        assert (event.from_status, event.to_status, event.by) == (from_status, to_status, manager)
        assert moved._last_event == event
    else:
        with pytest.raises(ValidationError) as refused:
            transition(WORKFLOW, assessment, to_status, by=manager)
        assert refused.value.code == REFUSED_CODE
        assert Assessment.objects.get(pk=assessment.pk).status == from_status
        assert not AssessmentEvent.objects.filter(assessment=assessment).exists()


def test_the_rubric_has_seven_dimensions_of_100_points_and_loads_once(rubric):
    names = list(rubric.dimensions.order_by("sort_order").values_list("name", flat=True))
    assert names == ["办托条件", "托育队伍", "保育照护", "卫生保健", "养育支持", "安全保障", "机构管理"]
    assert sum(d.points for d in rubric.dimensions.all()) == 100
    basic = set(
        RubricItem.objects.filter(dimension__rubric=rubric, is_basic=True).values_list("text", flat=True)
    )
    assert (
        any("备案" in t for t in basic)
        and any("消防" in t for t in basic)
        and any("入职" in t for t in basic)
    )
    again, created = services.rubric_load_file()
    assert again == rubric and not created and again.active
    assert Rubric.objects.count() == 1 and RubricItem.objects.filter(dimension__rubric=rubric).count() > 25


def test_a_new_version_becomes_the_one_in_use(rubric):
    import json

    data = json.loads(services.RUBRIC_FILE.read_text(encoding="utf-8"))
    data["version"] = "2027.1"
    newer, created = services.rubric_load(data=data)
    assert created and newer.active
    rubric.refresh_from_db()
    assert not rubric.active
    data["dimensions"][0]["points"] = 16  # no longer 100 in all, nor equal to its items
    data["version"] = "bad"
    with pytest.raises(ValueError):
        services.rubric_load(data=data)
    assert not Rubric.objects.filter(version="bad").exists()


def test_create_needs_two_assessors_who_assess_and_a_filed_institution(
    rubric, manager, assessors, family, make_institution
):
    institution = make_institution()
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(
            institution=institution, by=manager, assessors=assessors[:1], assessed_on=timezone.localdate()
        )
    assert "assessors" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(
            institution=institution,
            by=manager,
            assessors=[assessors[0], family],
            assessed_on=timezone.localdate(),
        )
    assert "assessors" in refused.value.message_dict
    draft = make_institution(status="draft")
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(
            institution=draft, by=manager, assessors=assessors, assessed_on=timezone.localdate()
        )
    assert "institution" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.assessment_create(
            institution=institution, by=assessors[0], assessors=assessors, assessed_on=timezone.localdate()
        )
    assert not Assessment.objects.exists()


def test_scores_are_checked_item_by_item_and_nothing_is_half_saved(make_assessment, assessors, rubric):
    assessment = make_assessment()
    scored = RubricItem.objects.filter(dimension__rubric=rubric, is_basic=False).order_by("id")
    first, second = scored[0], scored[1]
    basic = RubricItem.objects.filter(dimension__rubric=rubric, is_basic=True).first()
    for bad in ("-1", str(first.points + 1), "1.25", "abc", "NaN"):
        with pytest.raises(ValidationError) as refused:
            services.scores_save(
                assessment=assessment, by=assessors[0], scores={second.pk: "2", first.pk: bad}
            )
        assert f"item_{first.pk}" in refused.value.message_dict
        assert first.code in refused.value.message_dict[f"item_{first.pk}"][0]
    with pytest.raises(ValidationError):
        services.scores_save(assessment=assessment, by=assessors[0], scores={basic.pk: "maybe"})
    assert not Score.objects.exists()
    services.scores_save(
        assessment=assessment, by=assessors[1], scores={first.pk: "2.5", basic.pk: "no", second.pk: ""}
    )
    assert Score.objects.get(item=first).points == Decimal("2.5")
    assert Score.objects.get(item=basic).met is False
    assert not Score.objects.filter(item=second).exists()


def test_an_assessor_not_on_the_assessment_cannot_score(make_assessment, outsider_assessor, manager, rubric):
    assessment = make_assessment()
    item = RubricItem.objects.filter(dimension__rubric=rubric, is_basic=False).first()
    for user in (outsider_assessor, manager):
        with pytest.raises(PermissionDenied):
            services.scores_save(assessment=assessment, by=user, scores={item.pk: "1"})
    assert not Score.objects.exists()


def test_publish_is_refused_while_items_are_unscored_and_lists_them(
    make_assessment, assessors, manager, rubric
):
    assessment = make_assessment()
    scores = full_scores(rubric)
    left_out = RubricItem.objects.filter(dimension__rubric=rubric).order_by("id")
    skipped = [left_out[0], left_out[5]]
    for item in skipped:
        scores.pop(item.pk)
    services.scores_save(assessment=assessment, by=assessors[0], scores=scores)
    with pytest.raises(ValidationError) as refused:
        services.assessment_publish(assessment=assessment, by=manager)
    assert all(item.code in refused.value.messages[0] for item in skipped)
    assessment.refresh_from_db()
    assert assessment.status == S.DRAFT and assessment.published_at is None


@pytest.mark.parametrize(
    ("share", "grade"),
    [
        (Decimal("1"), "A"),
        (Decimal("0.95"), "A"),
        (Decimal("0.85"), "B"),
        (Decimal("0.7"), "C"),
        (Decimal("0.5"), ""),
    ],
)
def test_bands_give_the_grade_and_the_register_shows_it(make_assessment, share, grade):
    assessment = make_assessment(share=share, publish=True)
    assert assessment.status == S.PUBLISHED and assessment.published_at is not None
    assert assessment.grade == grade and not assessment.vetoed
    total = sum(
        Score.objects.filter(assessment=assessment).exclude(points=None).values_list("points", flat=True)
    )
    assert assessment.total == total
    assessment.institution.refresh_from_db()
    expected = {"A": "A（优秀）", "B": "B（良好）", "C": "C（合格）", "": services.NO_GRADE}[grade]
    assert assessment.institution.grade == expected


@pytest.mark.parametrize(
    ("total", "grade"), [("100", "A"), ("90", "A"), ("89.5", "B"), ("80", "B"), ("60", "C"), ("59.5", None)]
)
def test_band_boundaries(rubric, total, grade):
    band = services.grade_for(rubric, Decimal(total))
    assert (band["grade"] if band else None) == grade


def test_the_register_change_is_audited(make_assessment, manager):
    from auditlog.models import LogEntry

    assessment = make_assessment(share=Decimal("1"), publish=True)
    entry = (
        LogEntry.objects.get_for_object(assessment.institution)
        .filter(changes__icontains="grade")
        .latest("id")
    )
    assert entry.actor == manager


def test_a_basic_item_not_met_vetoes_the_grade(make_assessment, rubric):
    assessment = make_assessment(share=Decimal("1"), failed_basic=("D6.B1",), publish=True)
    assert assessment.total == 100 and assessment.vetoed and assessment.grade == ""
    event = assessment.events.get(to_status=S.PUBLISHED)
    assert "D6.B1" in event.note and services.NO_GRADE in event.note
    assessment.institution.refresh_from_db()
    assert assessment.institution.grade == services.NO_GRADE


def test_scores_cannot_change_after_publication(make_assessment, assessors, rubric):
    assessment = make_assessment(share=Decimal("1"), publish=True)
    item = RubricItem.objects.filter(dimension__rubric=rubric, is_basic=False).first()
    with pytest.raises(ValidationError) as refused:
        services.scores_save(assessment=assessment, by=assessors[0], scores={item.pk: "0"})
    assert refused.value.code == "status"


def test_review_once_only(make_assessment, member, manager):
    assessment = make_assessment(share=Decimal("0.85"), publish=True)
    user = member(assessment.institution)
    requested = services.review_request(assessment=assessment, by=user, reason="消防通道一项评分有误")
    assert requested.status == S.REVIEW_REQUESTED and requested.review_requested_at
    with pytest.raises(ValidationError) as again:
        services.review_request(assessment=requested, by=user, reason="再次申请")
    assert again.value.code == "duplicate"
    services.review_decide(assessment=requested, by=manager, outcome="维持原评级")
    with pytest.raises(ValidationError) as after:
        services.review_request(assessment=requested, by=user, reason="第三次")
    assert after.value.code == "duplicate"
    assert AssessmentEvent.objects.filter(assessment=assessment, to_status=S.REVIEW_REQUESTED).count() == 1


def test_review_only_by_a_member(make_assessment, other_operator):
    assessment = make_assessment(share=Decimal("0.85"), publish=True)
    with pytest.raises(PermissionDenied):
        services.review_request(assessment=assessment, by=other_operator, reason="理由")


def test_review_window_is_15_working_days(make_assessment, member):
    assessment = make_assessment(share=Decimal("0.85"), publish=True)
    user = member(assessment.institution)
    due = add_workdays(timezone.localdate(assessment.published_at), 15)
    assert services.review_deadline(assessment) == due
    with pytest.raises(ValidationError) as late:
        services.review_request(assessment=assessment, by=user, reason="理由", on=due + timedelta(days=1))
    assert late.value.code == "expired" and due.isoformat() in late.value.messages[0]
    assessment.refresh_from_db()
    assert assessment.status == S.PUBLISHED
    assert services.review_request(assessment=assessment, by=user, reason="理由", on=due).status == (
        S.REVIEW_REQUESTED
    )


def test_review_changes_the_grade_and_keeps_the_one_before(make_assessment, member, manager, rubric):
    assessment = make_assessment(share=Decimal("0.85"), publish=True)
    assert assessment.grade == "B"
    requested = services.review_request(
        assessment=assessment, by=member(assessment.institution), reason="理由"
    )
    raised = {
        item.pk: item.points for item in RubricItem.objects.filter(dimension__rubric=rubric, is_basic=False)
    }
    reviewed = services.review_decide(
        assessment=requested, by=manager, outcome="复核后调整", new_scores=raised
    )
    assert reviewed.status == S.REVIEWED
    assert (reviewed.grade, reviewed.grade_before_review, reviewed.total) == ("A", "B", Decimal("100"))
    assert reviewed.review_outcome == "复核后调整"
    reviewed.institution.refresh_from_db()
    assert reviewed.institution.grade == "A（优秀）"


def test_review_decide_refuses_bad_scores_and_a_wrong_status(make_assessment, member, manager, rubric):
    assessment = make_assessment(share=Decimal("0.85"), publish=True)
    with pytest.raises(ValidationError) as early:
        services.review_decide(assessment=assessment, by=manager, outcome="结论")
    assert early.value.code == REFUSED_CODE
    requested = services.review_request(
        assessment=assessment, by=member(assessment.institution), reason="理由"
    )
    item = RubricItem.objects.filter(dimension__rubric=rubric, is_basic=False).first()
    before = Score.objects.get(assessment=assessment, item=item).points
    with pytest.raises(ValidationError):
        services.review_decide(assessment=requested, by=manager, outcome="结论", new_scores={item.pk: "99"})
    assert Score.objects.get(assessment=assessment, item=item).points == before
    assert Assessment.objects.get(pk=assessment.pk).status == S.REVIEW_REQUESTED


def test_demonstration_duplicate_refused(make_institution, manager):
    institution = make_institution()
    fields = {
        "institution": institution,
        "year": 2026,
        "level": "municipal",
        "title": "重庆市托育服务示范单位",
    }
    services.demonstration_record(**fields, document_number="渝卫〔2026〕1号", by=manager)
    with pytest.raises(ValidationError) as duplicate:
        services.demonstration_record(**fields, by=manager)
    assert duplicate.value.code == "duplicate" and institution.name in duplicate.value.messages[0]
    services.demonstration_record(**{**fields, "level": "district"}, by=manager)
    with pytest.raises(ValidationError) as bad:
        services.demonstration_record(**{**fields, "year": 1990, "level": "x", "title": " "}, by=manager)
    assert set(bad.value.message_dict) == {"year", "level", "title"}
