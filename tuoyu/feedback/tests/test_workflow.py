"""The complaint workflow through its services: every status pair is allowed or refused exactly as
workflow.TRANSITIONS says, and a refused action changes nothing; reassigning, merging, reopening,
who may act, the institution's reply, and the daily escalation and closing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tuoyu.accounts.models import User
from tuoyu.core.models import OutboxMessage
from tuoyu.feedback import services
from tuoyu.feedback.models import Complaint, ComplaintStatus, EventKind
from tuoyu.feedback.workflow import TRANSITIONS, WORKFLOW_COMPLAINT
from tuoyu.regions.models import Department

S = ComplaintStatus
HC_LEAD_PHONE = "13700000010"


def dept(code: str) -> Department:
    return Department.objects.get(code=code)


def fresh(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


@pytest.fixture
def in_status(file_complaint, hc_lead):
    """in_status(status) -> a food complaint brought to that status through the services (RECEIVED only
    exists inside the filing transaction, so it is set directly)."""

    def make(status: str) -> Complaint:
        complaint = file_complaint().complaint
        if status == S.RECEIVED:
            Complaint.objects.filter(pk=complaint.pk).update(status=S.RECEIVED)
        elif status == S.IN_PROGRESS:
            services.complaint_acknowledge(complaint=complaint, by=hc_lead)
        elif status in (S.ANSWERED, S.CLOSED):
            services.complaint_answer(
                complaint=complaint, by=hc_lead, finding="substantiated", answer="已处理。"
            )
            if status == S.CLOSED:
                services.complaint_rate(complaint=complaint, satisfied=True)
        elif status == S.MERGED:
            target = file_complaint().complaint
            services.complaint_merge(complaint=complaint, into=target, by=hc_lead)
        complaint = fresh(complaint)
        assert complaint.status == status
        return complaint

    return make


def attempt(complaint: Complaint, from_status: str, to_status: str, *, by: User, file_complaint) -> None:
    """Ask the service that leads to `to_status` to move the complaint there."""
    if to_status == S.ASSIGNED:
        other = dept("KZ-WJW") if complaint.department.code != "KZ-WJW" else dept("KZ-SCJG")
        services.complaint_reassign(complaint=complaint, by=by, department=other, reason="应由该部门处理。")
    elif to_status == S.IN_PROGRESS and from_status == S.ANSWERED:
        services.complaint_rate(complaint=complaint, satisfied=False, reopen=True, comment="没有解决。")
    elif to_status == S.IN_PROGRESS:
        services.complaint_acknowledge(complaint=complaint, by=by)
    elif to_status == S.ANSWERED:
        services.complaint_answer(complaint=complaint, by=by, finding="partly", answer="部分属实。")
    elif to_status == S.CLOSED:
        services.complaint_rate(complaint=complaint, satisfied=True)
    elif to_status == S.MERGED:
        services.complaint_merge(complaint=complaint, into=file_complaint().complaint, by=by)
    else:
        raise AssertionError(f"no service leads to {to_status}")


def test_the_table_names_every_status_and_nothing_leads_back_to_received():
    assert set(TRANSITIONS) == set(S.values)
    assert not any(S.RECEIVED in targets for targets in TRANSITIONS.values())
    assert TRANSITIONS[S.CLOSED] == TRANSITIONS[S.MERGED] == frozenset()


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(a, b) for a in S.values for b in S.values if b != S.RECEIVED],
    ids=lambda s: s,
)
def test_each_transition_is_allowed_or_refused_exactly_as_the_table_says(
    in_status, file_complaint, hc_lead, from_status, to_status
):
    complaint = in_status(from_status)
    events, department = complaint.events.count(), complaint.department_id
    if WORKFLOW_COMPLAINT.can(from_status, to_status):
        attempt(complaint, from_status, to_status, by=hc_lead, file_complaint=file_complaint)
        assert fresh(complaint).status == to_status
        assert complaint.events.count() > events
    else:
        with pytest.raises(ValidationError):
            attempt(complaint, from_status, to_status, by=hc_lead, file_complaint=file_complaint)
        after = fresh(complaint)
        assert after.status == from_status
        assert after.department_id == department
        assert complaint.events.count() == events


def test_a_handler_cannot_take_an_answered_case_back_in_hand(in_status, hc_lead):
    # The table's answered -> in progress is the reporter reopening it, never the handler.
    complaint = in_status(S.ANSWERED)
    events = complaint.events.count()
    with pytest.raises(ValidationError):
        services.complaint_acknowledge(complaint=complaint, by=hc_lead)
    assert fresh(complaint).status == S.ANSWERED and complaint.events.count() == events


# --- reassigning ----------------------------------------------------------------------------------


def test_reassigning_writes_the_reason_on_the_public_timeline_and_keeps_the_deadlines(
    file_complaint, food_officer, hc_lead, django_capture_on_commit_callbacks
):
    complaint = file_complaint().complaint
    services.complaint_acknowledge(complaint=complaint, by=food_officer)
    due = (complaint.acknowledge_due_on, complaint.answer_due_on)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_reassign(
            complaint=complaint, by=food_officer, department=dept("KZ-WJW"), reason="涉及照护，转卫健委。"
        )
    after = fresh(complaint)
    assert after.status == S.ASSIGNED and after.department.code == "KZ-WJW"
    assert (after.acknowledge_due_on, after.answer_due_on) == due
    assert after.acknowledged_at is None
    event = after.events.get(kind=EventKind.REASSIGNED)
    assert event.public and event.note == "涉及照护，转卫健委。" and event.department.code == "KZ-WJW"
    assert event.from_status == S.IN_PROGRESS and event.to_status == S.ASSIGNED
    # The health commission's people hear of it.
    assert OutboxMessage.objects.filter(
        recipient=HC_LEAD_PHONE, body__contains=complaint.tracking_number
    ).exists()
    assert services.public_timeline(after)[-1] == event


def test_reassigning_needs_a_reason_and_another_department(file_complaint, food_officer):
    complaint = file_complaint().complaint
    for department, reason in [(dept("KZ-WJW"), "  "), (dept("KZ-SCJG"), "同一部门")]:
        with pytest.raises(ValidationError):
            services.complaint_reassign(
                complaint=complaint, by=food_officer, department=department, reason=reason
            )
    after = fresh(complaint)
    assert after.department.code == "KZ-SCJG" and not after.events.filter(kind=EventKind.REASSIGNED).exists()


# --- merging --------------------------------------------------------------------------------------


def test_a_report_cannot_be_merged_into_itself(file_complaint, hc_lead):
    complaint = file_complaint().complaint
    with pytest.raises(ValidationError):
        services.complaint_merge(complaint=complaint, into=complaint, by=hc_lead)
    assert fresh(complaint).status == S.ASSIGNED


@pytest.mark.parametrize("target_status", [S.CLOSED, S.MERGED])
def test_a_report_is_merged_only_into_one_still_open_or_answered(
    in_status, file_complaint, hc_lead, target_status
):
    target = in_status(target_status)
    complaint = file_complaint().complaint
    events = complaint.events.count()
    with pytest.raises(ValidationError):
        services.complaint_merge(complaint=complaint, into=target, by=hc_lead)
    assert fresh(complaint).status == S.ASSIGNED and complaint.events.count() == events
    assert not target.events.filter(kind=EventKind.DUPLICATE_ADDED).exists()


@pytest.mark.parametrize("target_status", [S.ASSIGNED, S.IN_PROGRESS, S.ANSWERED])
def test_a_report_merges_into_an_open_or_answered_one(in_status, file_complaint, hc_lead, target_status):
    target = in_status(target_status)
    complaint = file_complaint().complaint
    services.complaint_merge(complaint=complaint, into=target, by=hc_lead, note="同一事项")
    after = fresh(complaint)
    assert after.status == S.MERGED and after.merged_into == target and after.closed_at is not None
    assert target.events.filter(kind=EventKind.DUPLICATE_ADDED, public=True).exists()


def test_the_merged_report_follows_the_target_and_its_reporter_hears_the_answer(
    file_complaint, make_institution, food_officer, django_capture_on_commit_callbacks
):
    institution = make_institution()
    target = file_complaint(institution=institution).complaint
    duplicate = file_complaint(institution=institution, reporter_phone="13912340000").complaint
    services.complaint_merge(complaint=duplicate, into=target, by=food_officer)
    merged_event = fresh(duplicate).events.get(kind=EventKind.MERGED)
    assert merged_event.public and merged_event.department == target.department
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_answer(
            complaint=target, by=food_officer, finding="substantiated", answer="已整改。"
        )
    told = OutboxMessage.objects.filter(recipient="13912340000", body__contains=duplicate.tracking_number)
    assert told.exists()
    # Merged cases leave the institution's list: it answers the target once.
    assert fresh(duplicate).status == S.MERGED


def test_duplicate_suggestions_find_the_same_institution_and_category_within_30_days(
    file_complaint, make_institution
):
    institution = make_institution()
    complaint = file_complaint(institution=institution).complaint
    same = file_complaint(institution=institution).complaint
    other_kind = file_complaint(institution=institution, category="fees").complaint
    elsewhere = file_complaint().complaint  # another institution
    old = file_complaint(institution=institution).complaint
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=31))
    found = services.duplicate_suggestions(fresh(complaint))
    assert same in found
    assert other_kind not in found and elsewhere not in found and old not in found and complaint not in found


def test_duplicate_suggestions_find_a_place_within_500_m_and_not_one_2_km_away(file_complaint, hanfeng):
    lat, lng = hanfeng.center_lat, hanfeng.center_lng

    def place(dlat):
        return file_complaint(
            category="unlicensed",
            institution=None,
            place_name="家庭托儿点",
            address="某小区",
            lat=lat + dlat,
            lng=lng,
        ).complaint

    complaint, near, far = place(0), place(0.003), place(0.018)  # ~330 m and ~2 km to the north
    found = services.duplicate_suggestions(fresh(complaint))
    assert near in found and far not in found


# --- the reporter's rating and reopening ----------------------------------------------------------


def test_a_case_is_reopened_once_within_15_days_with_a_fresh_answer_deadline(in_status, hc_lead):
    complaint = in_status(S.ANSWERED)
    assert services.can_reopen(complaint)
    services.complaint_rate(complaint=complaint, satisfied=False, reopen=True, comment="问题依旧。")
    after = fresh(complaint)
    assert after.status == S.IN_PROGRESS and after.reopen_count == 1
    assert after.answer_due_on == services.add_workdays(services.today(), 15)
    assert after.events.filter(kind=EventKind.REOPENED, public=True).exists()
    services.complaint_answer(complaint=after, by=hc_lead, finding="substantiated", answer="已再次处理。")
    events = after.events.count()
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=after, satisfied=False, reopen=True)
    again = fresh(complaint)
    assert again.status == S.ANSWERED and again.reopen_count == 1 and again.events.count() == events
    # Not satisfied without reopening closes it.
    services.complaint_rate(complaint=again, satisfied=False)
    assert fresh(complaint).status == S.CLOSED


def test_a_case_answered_more_than_15_days_ago_is_not_reopened(in_status):
    complaint = in_status(S.ANSWERED)
    Complaint.objects.filter(pk=complaint.pk).update(answered_at=timezone.now() - timedelta(days=15, hours=1))
    events = complaint.events.count()
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=fresh(complaint), satisfied=False, reopen=True)
    after = fresh(complaint)
    assert after.status == S.ANSWERED and after.reopen_count == 0 and after.satisfied is None
    assert after.events.count() == events


def test_satisfied_and_reopen_together_is_refused(in_status):
    complaint = in_status(S.ANSWERED)
    with pytest.raises(ValidationError):
        services.complaint_rate(complaint=complaint, satisfied=True, reopen=True)
    assert fresh(complaint).status == S.ANSWERED


# --- who may act ----------------------------------------------------------------------------------


def test_a_department_officer_cannot_act_on_another_departments_case(file_complaint, inspector, hc_lead):
    complaint = file_complaint(category="safety").complaint  # 住建委; the inspector is 市场监管
    target = file_complaint(category="safety").complaint
    events = complaint.events.count()
    for act in (
        lambda: services.complaint_acknowledge(complaint=complaint, by=inspector),
        lambda: services.complaint_answer(complaint=complaint, by=inspector, finding="partly", answer="答复"),
        lambda: services.complaint_reassign(
            complaint=complaint, by=inspector, department=dept("KZ-SCJG"), reason="转"
        ),
        lambda: services.complaint_merge(complaint=complaint, into=target, by=inspector),
        lambda: services.complaint_note(complaint=complaint, by=inspector, text="看一下"),
    ):
        with pytest.raises(PermissionDenied):
            act()
    after = fresh(complaint)
    assert after.status == S.ASSIGNED and after.department.code == "KZ-ZJW" and after.events.count() == events
    assert not services.complaints_for_user(inspector).filter(pk=complaint.pk).exists()


def test_a_co_handling_department_sees_the_case_but_only_the_lead_acts(file_complaint, kaizhou):
    complaint = file_complaint(category="fees").complaint
    fgw = User.objects.create_user(
        username="fgw", password="x-long-password", role="dept_officer", department=dept("KZ-FGW")
    )
    assert services.complaints_for_user(fgw).filter(pk=complaint.pk).exists()
    assert not services.can_handle(fgw, complaint)
    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(complaint=complaint, by=fgw)
    services.complaint_note(complaint=complaint, by=fgw, text="发改委已知悉。")
    assert complaint.events.filter(kind=EventKind.NOTE, public=False).count() == 1


def test_the_health_commission_acts_on_any_case(file_complaint, reviewer):
    complaint = file_complaint(category="safety").complaint
    services.complaint_acknowledge(complaint=complaint, by=reviewer)
    services.complaint_answer(
        complaint=complaint, by=reviewer, finding="not_substantiated", answer="经核查不属实。"
    )
    assert fresh(complaint).status == S.ANSWERED


def test_a_street_officer_sees_the_cases_of_their_unit_but_cannot_act(file_complaint, street_officer):
    complaint = file_complaint().complaint  # the institution is in 汉丰街道
    assert services.complaints_for_user(street_officer).filter(pk=complaint.pk).exists()
    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(complaint=complaint, by=street_officer)


# --- the institution ------------------------------------------------------------------------------


def test_an_institution_member_sees_only_its_complaints_and_replies_once(
    file_complaint, make_institution, member_of, operator, other_operator, hc_lead
):
    mine, theirs = make_institution(), make_institution()
    member_of(operator, mine)
    member_of(other_operator, theirs)
    about_mine = file_complaint(institution=mine).complaint
    about_theirs = file_complaint(institution=theirs).complaint
    merged = file_complaint(institution=mine).complaint
    services.complaint_merge(complaint=merged, into=about_mine, by=hc_lead)
    assert list(services.complaints_for_institution_user(operator)) == [about_mine]

    with pytest.raises(PermissionDenied):
        services.complaint_institution_reply(complaint=about_theirs, by=operator, text="不是我们的。")
    services.complaint_institution_reply(complaint=about_mine, by=operator, text="已更换保温箱。")
    with pytest.raises(ValidationError):
        services.complaint_institution_reply(complaint=about_mine, by=operator, text="再说一次。")
    after = fresh(about_mine)
    assert after.institution_reply == "已更换保温箱。"
    assert after.events.filter(kind=EventKind.INSTITUTION_REPLIED).count() == 1
    assert fresh(about_theirs).institution_reply == ""


# --- scheduled: escalation and closing ------------------------------------------------------------


def test_an_overdue_case_is_escalated_once_and_the_health_commission_leads_are_told(
    file_complaint, hc_lead, django_capture_on_commit_callbacks
):
    late = file_complaint().complaint
    on_time = file_complaint().complaint
    today = services.today()
    Complaint.objects.filter(pk=late.pk).update(acknowledge_due_on=today - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.complaints_escalate_overdue(on=today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.complaints_escalate_overdue(on=today) == 0
    after = fresh(late)
    assert after.escalated_at is not None
    event = after.events.get(kind=EventKind.ESCALATED)
    assert event.public and event.department.is_health_commission
    assert fresh(on_time).escalated_at is None
    told = OutboxMessage.objects.filter(recipient=HC_LEAD_PHONE, body__contains=late.tracking_number)
    assert told.count() == 1
    assert not OutboxMessage.objects.filter(
        body__contains=on_time.tracking_number, recipient=HC_LEAD_PHONE
    ).exists()


def test_an_answered_case_is_not_escalated_however_late(in_status):
    complaint = in_status(S.ANSWERED)
    Complaint.objects.filter(pk=complaint.pk).update(answer_due_on=services.today() - timedelta(days=30))
    assert services.complaints_escalate_overdue() == 0


def test_an_answer_not_rated_in_15_days_closes_and_a_recent_one_stays(in_status):
    old, recent = in_status(S.ANSWERED), in_status(S.ANSWERED)
    Complaint.objects.filter(pk=old.pk).update(answered_at=timezone.now() - timedelta(days=16))
    Complaint.objects.filter(pk=recent.pk).update(answered_at=timezone.now() - timedelta(days=10))
    assert services.complaints_close_unrated() == 1
    assert services.complaints_close_unrated() == 0
    closed = fresh(old)
    assert closed.status == S.CLOSED and closed.closed_at is not None
    assert closed.events.filter(kind=EventKind.CLOSED, public=True).count() == 1
    assert fresh(recent).status == S.ANSWERED
