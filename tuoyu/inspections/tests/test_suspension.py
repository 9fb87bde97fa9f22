"""Suspension after a serious finding: only the commission, only a serious finding, a public reason
required; the institution moves filed → suspended through the register's workflow and back when lifted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuoyu.inspections import services
from tuoyu.inspections.models import Severity, Suspension
from tuoyu.inspections.selectors.suspensions import active_suspension_of
from tuoyu.institutions.models import InstitutionStatus

from ._rectify import *  # noqa: F403 (the fixtures)

pytestmark = pytest.mark.django_db
REASON = "消防通道长期堵塞且拒不整改，存在重大安全隐患"


@pytest.fixture
def serious(make_finding):
    return make_finding(severity=Severity.SERIOUS, description="安全出口上锁，无法疏散")


def test_suspension_moves_the_institution_and_lift_moves_it_back(serious, reviewer):
    institution = serious.inspection.institution
    suspension = services.suspension_order(finding=serious, by=reviewer, reason=REASON)
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.SUSPENDED
    assert suspension.filing_number == institution.filing_number != ""
    assert institution.events.order_by("-id").first().note == REASON
    assert active_suspension_of([institution.pk]) == {institution.pk: suspension}

    with pytest.raises(ValidationError):
        services.suspension_lift(suspension=suspension, by=reviewer, note="")
    services.suspension_lift(suspension=suspension, by=reviewer, note="复查合格，恢复服务")
    institution.refresh_from_db()
    suspension.refresh_from_db()
    assert institution.status == InstitutionStatus.FILED
    assert suspension.lifted_at is not None
    assert active_suspension_of([institution.pk]) == {}
    with pytest.raises(ValidationError):
        services.suspension_lift(suspension=suspension, by=reviewer, note="再次")


def test_a_non_serious_finding_cannot_suspend(make_finding, reviewer):
    for severity in (Severity.MINOR, Severity.MAJOR):
        with pytest.raises(ValidationError) as refused:
            services.suspension_order(finding=make_finding(severity=severity), by=reviewer, reason=REASON)
        assert refused.value.code == "not_serious"
    assert not Suspension.objects.exists()


def test_a_suspension_needs_a_reason(serious, reviewer):
    with pytest.raises(ValidationError) as refused:
        services.suspension_order(finding=serious, by=reviewer, reason="   ")
    assert "reason" in refused.value.message_dict
    assert not Suspension.objects.exists()
    serious.inspection.institution.refresh_from_db()
    assert serious.inspection.institution.status == InstitutionStatus.FILED


def test_only_the_commission_suspends(serious, inspector_user, street_officer, member):
    for person in (inspector_user, street_officer, member):
        with pytest.raises(PermissionDenied):
            services.suspension_order(finding=serious, by=person, reason=REASON)
    assert not Suspension.objects.exists()


def test_twice_is_refused_and_nothing_written(serious, reviewer):
    services.suspension_order(finding=serious, by=reviewer, reason=REASON)
    with pytest.raises(ValidationError):
        services.suspension_order(finding=serious, by=reviewer, reason=REASON)
    assert Suspension.objects.count() == 1
