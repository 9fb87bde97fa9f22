"""The coordination case's one table (一事一议: open → resolved), its events and its page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tuoyu.filings import services
from tuoyu.filings.models import CoordinationCase, CoordinationCaseEvent
from tuoyu.filings.workflow import WORKFLOW_CASE
from tuoyu.regions.models import Department

pytestmark = pytest.mark.django_db
S = CoordinationCase.Status


@pytest.fixture
def case(submitted, reviewer, kaizhou):
    _u, filing = submitted()
    return services.case_open(
        filing=filing,
        by=reviewer,
        title="消防验收与场地性质",
        domain="fire",
        description="非独立场所的消防验收备案需协调。",
        departments=[Department.objects.get(code="KZ-XF")],
        deadline=date.today() + timedelta(days=10),
    )


def _into(case, status, reviewer):
    if status == S.RESOLVED:
        return services.case_resolve(case=case, by=reviewer, resolution="先行办理")
    return case


@pytest.mark.parametrize("start", list(S.values))
@pytest.mark.parametrize("target", list(S.values))
def test_every_case_transition_is_allowed_or_refused_by_the_one_table(case, reviewer, start, target):
    case = _into(case, start, reviewer)
    before = CoordinationCaseEvent.objects.filter(case=case).count()
    if target == S.OPEN:  # nothing reopens a case: no service leads there, and the table agrees
        assert not WORKFLOW_CASE.can(start, target)
        return
    if WORKFLOW_CASE.can(start, target):
        moved = services.case_resolve(case=case, by=reviewer, resolution="按消防部门意见办理")
        assert moved.status == target and moved.resolved_at is not None
        event = CoordinationCaseEvent.objects.filter(case=case).last()
        assert (event.from_status, event.to_status, event.by) == (start, target, reviewer)
    else:
        with pytest.raises(ValidationError) as refused:
            services.case_resolve(case=case, by=reviewer, resolution="再议")
        assert refused.value.code == "transition"
        case.refresh_from_db()
        assert case.status == start and case.resolution != "再议"
        assert CoordinationCaseEvent.objects.filter(case=case).count() == before


def test_the_case_page_shows_its_history_and_offers_resolve_only_while_open(client, case, reviewer):
    client.force_login(reviewer)
    html = client.get(f"/filings/cases/{case.pk}/").content.decode()
    assert 'value="resolve"' in html and 'data-testid="case-timeline"' not in html
    services.case_resolve(case=case, by=reviewer, resolution="按消防部门意见办理")
    html = client.get(f"/filings/cases/{case.pk}/").content.decode()
    assert 'value="resolve"' not in html and 'data-testid="case-timeline"' in html
    assert str(S.RESOLVED.label) in html or "已解决" in html
