"""The checklist rules answered from the register: class sizes, enrolment, the lease, the carer ratio."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.core import facts
from tuoyu.filings.models import Filing, FilingMaterial, FilingStatus, MaterialKind
from tuoyu.inspections import rules
from tuoyu.inspections.models import ChecklistItem
from tuoyu.inspections.services import checklist_load_file
from tuoyu.institutions.models import ClassGroup
from tuoyu.institutions.services import ClassSpec

pytestmark = pytest.mark.django_db


def _over_the_limit(group: ClassGroup, *, capacity: int, enrolled: int) -> None:
    """The register refuses a class over the national limit (a database constraint), so a record from
    before the rule is made by lifting the constraint inside this test's transaction (rolled back after)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # SQLite cannot drop a constraint; it can stop checking them
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks may block the ALTER
            cursor.execute(
                f'ALTER TABLE "{ClassGroup._meta.db_table}" DROP CONSTRAINT "class_capacity_within_national_limit"'
            )
    ClassGroup.objects.filter(pk=group.pk).update(capacity=capacity, enrolled=enrolled)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_classes_within_the_national_limits_pass(make_institution):
    institution = make_institution(
        classes=[
            ClassSpec(name="乳儿班", age_group="infant", capacity=10, enrolled=10),
            ClassSpec(name="托大一班", age_group="preschool", capacity=20, enrolled=12),
        ]
    )
    outcome = rules.evaluate("class_size", institution)
    assert outcome.answer == "pass"
    assert "乳儿班" in outcome.detail and "托大一班" in outcome.detail


def test_a_class_too_big_fails(make_institution):
    institution = make_institution(
        classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=10)]
    )
    _over_the_limit(institution.classes.get(), capacity=18, enrolled=17)
    outcome = rules.evaluate("class_size", institution)
    assert outcome.answer == "fail"
    assert "托小一班" in outcome.detail and "18" in outcome.detail


def test_no_classes_cannot_be_checked(make_institution):
    institution = make_institution(classes=[])
    assert rules.evaluate("class_size", institution).answer is None


def test_enrolment_within_the_slots_passes(make_institution):
    institution = make_institution()
    outcome = rules.evaluate("enrolment", institution)
    assert outcome.answer == "pass"
    assert (
        str(institution.enrolled_total) in outcome.detail
        and str(institution.capacity_total) in outcome.detail
    )


def _filed_premises(
    institution, user, *, kind=MaterialKind.PREMISES_LEASE, start=None, end=None, status=FilingStatus.APPROVED
):
    filing = Filing.objects.create(applicant=user, institution=institution, status=status)
    return FilingMaterial.objects.create(
        filing=filing,
        kind=kind,
        file="2026/01/lease.pdf",
        file_kind="pdf",
        original_name="租赁合同.pdf",
        size=1000,
        lease_start=start,
        lease_end=end,
        uploaded_by=user,
    )


def test_a_lease_shorter_than_three_years_fails(make_institution, operator):
    institution = make_institution()
    today = date.today()
    _filed_premises(institution, operator, start=today - timedelta(days=30), end=today + timedelta(days=700))
    outcome = rules.evaluate("lease_term", institution)
    assert outcome.answer == "fail"
    assert (today - timedelta(days=30)).isoformat() in outcome.detail


def test_a_lease_of_three_years_passes_and_an_ended_one_fails(make_institution, operator):
    institution = make_institution()
    start = date(2025, 3, 1)
    _filed_premises(institution, operator, start=start, end=date(2030, 2, 28))
    assert rules.evaluate("lease_term", institution).answer == "pass"

    ended = make_institution()
    _filed_premises(ended, operator, start=date(2020, 1, 1), end=date(2023, 1, 1))
    assert rules.evaluate("lease_term", ended).answer == "fail"


def test_owned_premises_pass_and_no_approved_filing_cannot_be_checked(make_institution, operator):
    owned = make_institution()
    _filed_premises(owned, operator, kind=MaterialKind.PREMISES_OWN)
    assert rules.evaluate("lease_term", owned).answer == "pass"

    draft_only = make_institution()
    _filed_premises(
        draft_only, operator, start=date(2020, 1, 1), end=date(2021, 1, 1), status=FilingStatus.DRAFT
    )
    assert rules.evaluate("lease_term", draft_only).answer is None


def test_no_staff_data_leaves_the_carer_ratio_to_the_inspector(make_institution):
    institution = make_institution()
    outcome = rules.evaluate("carer_ratio", institution)
    assert outcome.answer is None
    assert outcome.detail  # says why: no staff data


@pytest.fixture
def staff_fact(monkeypatch):
    """A staff app's fact, plugged in the way issue 13 will: core.facts, no change to rules.py."""
    carers: dict[int, dict[int, int]] = {}
    monkeypatch.setitem(
        facts._PROVIDERS, rules.CARERS_FACT, lambda ids: {i: carers[i] for i in ids if i in carers}
    )
    return carers


def test_a_registered_staff_fact_answers_the_carer_ratio(make_institution, staff_fact):
    institution = make_institution(
        classes=[
            ClassSpec(name="乳儿班", age_group="infant", capacity=10, enrolled=7),
            ClassSpec(name="托大班", age_group="preschool", capacity=20, enrolled=14),
        ]
    )
    infants, older = institution.classes.order_by("age_group")
    infants, older = (infants, older) if infants.age_group == "infant" else (older, infants)
    staff_fact[institution.pk] = {infants.pk: 3, older.pk: 2}  # 7 infants need 3 carers; 14 need 2
    assert rules.evaluate("carer_ratio", institution).answer == "pass"
    staff_fact[institution.pk] = {infants.pk: 2, older.pk: 2}
    outcome = rules.evaluate("carer_ratio", institution)
    assert outcome.answer == "fail" and "乳儿班" in outcome.detail
    staff_fact[institution.pk] = {older.pk: 2}  # the infants' class unknown: the inspector checks
    assert rules.evaluate("carer_ratio", institution).answer is None


def test_each_rule_reads_the_register_a_fixed_number_of_times(make_institution, operator):
    small = make_institution(
        classes=[ClassSpec(name="托小一班", age_group="toddler", capacity=15, enrolled=5)]
    )
    large = make_institution(
        classes=[ClassSpec(name=f"托小{i}班", age_group="toddler", capacity=15, enrolled=5) for i in range(8)]
    )
    for institution in (small, large):
        _filed_premises(institution, operator, start=date(2025, 1, 1), end=date(2030, 1, 1))
    for name in rules.RULES:
        counts = []
        for institution in (small, large):
            with CaptureQueriesContext(connection) as queries:
                rules.evaluate(name, institution)
            counts.append(len(queries))
        assert counts[0] == counts[1], (name, counts)


def test_an_unknown_rule_answers_nothing(make_institution):
    assert rules.evaluate("no_such_rule", make_institution()).answer is None


def test_the_checklist_loads_by_code_and_again_without_change(kaizhou):
    count = checklist_load_file()
    assert count == ChecklistItem.objects.count() >= 30
    cctv = ChecklistItem.objects.get(text__contains="录像保存不少于90天")
    assert cctv.domain == "care" and not cctv.auto_rule
    assert set(ChecklistItem.objects.exclude(auto_rule="").values_list("auto_rule", flat=True)) == {
        "class_size",
        "enrolment",
        "lease_term",
        "carer_ratio",
    }
    assert set(ChecklistItem.objects.values_list("domain", flat=True)) == {
        "building",
        "fire",
        "food",
        "health",
        "care",
        "fees",
    }
    ChecklistItem.objects.filter(code="FIRE-01").update(text="改过的")
    assert checklist_load_file() == count
    assert ChecklistItem.objects.count() == count
    assert ChecklistItem.objects.get(code="FIRE-01").text != "改过的"
