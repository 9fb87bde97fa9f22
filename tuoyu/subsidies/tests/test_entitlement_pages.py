"""The entitlement's pages over HTTP: the operator's list, the page with its explanation line by line (the
children named for the institution and the commission, masked for finance) and timeline, and the forms of
each action; refusals are shown and change nothing; lists keep a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuoyu.bookings.models import Child
from tuoyu.core.workdays import beijing_today
from tuoyu.subsidies import rules
from tuoyu.subsidies.models import Entitlement, EntitlementEvent, EntitlementLine, LineKind, Payment
from tuoyu.subsidies.services.entitlements import entitlement_approve


def add_child_lines(entitlement, names, *, rate="800.00", months=6):
    """Child lines after the fixture's first line; the entitlement's amount becomes their sum."""
    from tuoyu.subsidies.money import pro_rated

    start = entitlement.lines.count()
    for offset, name in enumerate(names, start=1):
        child = Child.objects.create(name=name, sex="F", birth_date=date(2023, 1, 1))
        EntitlementLine.objects.create(
            entitlement=entitlement,
            position=start + offset,
            kind=LineKind.CHILD,
            child=child,
            age_group="toddler",
            months=months,
            rate=Decimal(rate),
            rule_set=entitlement.lines.first().rule_set,
            amount=pro_rated(Decimal(rate), months),
            params={"rule_set_from": "2024-01-01", "count_day": "15"},
        )
    total = sum(line.amount for line in entitlement.lines.all())
    Entitlement.objects.filter(pk=entitlement.pk).update(amount=total)
    entitlement.refresh_from_db()
    return entitlement


@pytest.fixture
def proposed(make_entitlement, period_2024, puhui_institution):  # noqa: F811
    return add_child_lines(make_entitlement(period_2024, puhui_institution, "1600.00"), ["张小明"])


@pytest.fixture
def reviewed(make_entitlement, period_2024h1, puhui_institution):  # noqa: F811
    return make_entitlement(period_2024h1, puhui_institution, "1600.00", status="reviewed")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_explains_every_line_in_the_rules_words_and_names_the_child_for_the_institution(
    client, operator, proposed
):
    client.force_login(operator)
    response = client.get(f"/subsidies/entitlements/{proposed.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-names="yes"' in html and f'data-amount="{proposed.amount}"' in html
    for line in proposed.lines.all():
        assert str(rules.explain(line)) in html
        assert f'data-amount="{line.amount}"' in html
    assert "张小明" in html
    assert str(rules.explain_rule()) in html
    assert 'data-testid="confirm"' in html and 'data-testid="dispute"' in html
    assert 'data-testid="approve"' not in html


def test_finance_sees_the_children_masked(client, finance_officer, proposed):
    client.force_login(finance_officer)
    html = client.get(f"/subsidies/entitlements/{proposed.pk}/").content.decode()
    assert "张小明" not in html and "张*明" in html
    assert 'data-names="no"' in html
    assert 'data-testid="confirm"' not in html


def test_the_commission_sees_the_children_named(client, hc_admin, proposed):
    client.force_login(hc_admin)
    html = client.get(f"/subsidies/entitlements/{proposed.pk}/").content.decode()
    assert "张小明" in html


def test_the_operator_confirms_on_the_page_and_sees_it_on_the_timeline(client, operator, proposed):
    client.force_login(operator)
    response = client.post(f"/subsidies/entitlements/{proposed.pk}/confirm/")
    assert response.status_code == 302
    assert Entitlement.objects.get(pk=proposed.pk).status == "confirmed"
    html = client.get(f"/subsidies/entitlements/{proposed.pk}/").content.decode()
    assert 'data-testid="entitlement-event" data-to="confirmed"' in html
    # A second confirmation is refused with the page (409), nothing more is written.
    response = client.post(f"/subsidies/entitlements/{proposed.pk}/confirm/")
    assert response.status_code == 409
    assert EntitlementEvent.objects.filter(entitlement=proposed).count() == 1


def test_a_dispute_without_a_reason_is_shown_back_and_changes_nothing(client, operator, proposed):
    client.force_login(operator)
    response = client.post(f"/subsidies/entitlements/{proposed.pk}/dispute/", {"dispute-reason": "  "})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Entitlement.objects.get(pk=proposed.pk).status == "proposed"
    response = client.post(f"/subsidies/entitlements/{proposed.pk}/dispute/", {"dispute-reason": "短"})
    assert response.status_code == 400
    response = client.post(
        f"/subsidies/entitlements/{proposed.pk}/dispute/", {"dispute-reason": "三月份少算了一个孩子"}
    )
    assert response.status_code == 302
    assert Entitlement.objects.get(pk=proposed.pk).dispute_reason == "三月份少算了一个孩子"


def test_the_commission_must_answer_a_dispute_on_the_page(client, operator, hc_admin, proposed):
    client.force_login(operator)
    client.post(f"/subsidies/entitlements/{proposed.pk}/dispute/", {"dispute-reason": "三月份少算了一个孩子"})
    client.force_login(hc_admin)
    assert (
        client.post(f"/subsidies/entitlements/{proposed.pk}/review/", {"review-note": ""}).status_code == 400
    )
    assert Entitlement.objects.get(pk=proposed.pk).status == "disputed"
    response = client.post(
        f"/subsidies/entitlements/{proposed.pk}/review/", {"review-note": "已核实，按规则计。"}
    )
    assert response.status_code == 302
    assert Entitlement.objects.get(pk=proposed.pk).status == "reviewed"


def test_an_operator_cannot_open_or_answer_another_institutions_entitlement(
    client,
    other_operator,
    other_institution,  # noqa: F811 - the fixture imported above
    proposed,
):
    client.force_login(other_operator)
    assert client.get(f"/subsidies/entitlements/{proposed.pk}/").status_code == 404
    assert client.get(f"/subsidies/entitlements/{proposed.pk}/notice.pdf").status_code == 404
    assert client.post(f"/subsidies/entitlements/{proposed.pk}/confirm/").status_code == 404
    assert Entitlement.objects.get(pk=proposed.pk).status == "proposed"
    assert f'data-entitlement="{proposed.pk}"' not in client.get("/subsidies/mine/").content.decode()


def test_finance_cannot_confirm_and_the_commission_cannot_approve_or_pay(
    client, finance_officer, hc_admin, proposed, reviewed
):
    client.force_login(finance_officer)
    assert client.post(f"/subsidies/entitlements/{proposed.pk}/confirm/").status_code == 403
    client.force_login(hc_admin)
    assert client.post(f"/subsidies/entitlements/{reviewed.pk}/approve/").status_code == 403
    assert (
        client.post(
            f"/subsidies/entitlements/{reviewed.pk}/pay/",
            {"pay-paid_on": beijing_today().isoformat(), "pay-voucher_number": "V-1"},
        ).status_code
        == 403
    )
    assert Entitlement.objects.get(pk=proposed.pk).status == "proposed"
    assert Entitlement.objects.get(pk=reviewed.pk).status == "reviewed"


def test_finance_approves_but_an_amount_posted_with_it_changes_nothing(client, finance_officer, reviewed):
    client.force_login(finance_officer)
    response = client.post(
        f"/subsidies/entitlements/{reviewed.pk}/approve/",
        {"approve-note": "同意", "amount": "99999.00", "approve-amount": "99999.00"},
    )
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == "approved" and reviewed.amount == Decimal("1600.00")


def test_a_payment_in_the_future_or_with_a_voucher_already_used_is_shown_back_and_nothing_is_saved(
    client,
    finance_officer,
    reviewed,
    make_entitlement,
    period_2024,
    puhui_institution,  # noqa: F811
):
    entitlement_approve(entitlement=reviewed, by=finance_officer)
    client.force_login(finance_officer)
    url = f"/subsidies/entitlements/{reviewed.pk}/pay/"
    tomorrow = (beijing_today() + timedelta(days=1)).isoformat()
    response = client.post(url, {"pay-paid_on": tomorrow, "pay-voucher_number": "V-1"})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not Payment.objects.exists()

    other = make_entitlement(
        period_2024, puhui_institution, "700.00", status="reviewed", kind="demonstration"
    )
    entitlement_approve(entitlement=other, by=finance_officer)
    today = beijing_today().isoformat()
    assert (
        client.post(
            f"/subsidies/entitlements/{other.pk}/pay/", {"pay-paid_on": today, "pay-voucher_number": "V-1"}
        ).status_code
        == 302
    )
    response = client.post(url, {"pay-paid_on": today, "pay-voucher_number": "V-1"})
    assert response.status_code == 409
    assert Payment.objects.count() == 1
    assert Entitlement.objects.get(pk=reviewed.pk).status == "approved"
    assert client.post(url, {"pay-paid_on": today, "pay-voucher_number": "V-2"}).status_code == 302
    assert Payment.objects.get(entitlement=reviewed).amount == Decimal("1600.00")


def test_the_operators_list_shows_whose_turn_it_is(client, operator, proposed, reviewed):
    client.force_login(operator)
    html = client.get("/subsidies/mine/").content.decode()
    assert f'data-entitlement="{proposed.pk}" data-status="proposed"' in html
    assert f'data-entitlement="{reviewed.pk}" data-status="reviewed"' in html
    assert 'data-waiting="1"' in html


def test_the_list_and_the_page_keep_their_queries_whatever_the_rows(
    client,
    operator,
    make_entitlement,
    make_period,
    puhui_institution,  # noqa: F811
):
    client.force_login(operator)
    first = add_child_lines(make_entitlement(make_period(2021), puhui_institution), ["甲一", "乙二"])
    make_entitlement(make_period(2022), puhui_institution)
    count_queries(client, "/subsidies/mine/")  # the session's first request reads more
    few_list = count_queries(client, "/subsidies/mine/")
    few_page = count_queries(client, f"/subsidies/entitlements/{first.pk}/")
    for year in (2023, 2024, 2025, 2026):
        make_entitlement(make_period(year), puhui_institution)
    add_child_lines(first, ["丙三", "丁四", "戊五", "己六"])
    assert count_queries(client, "/subsidies/mine/") == few_list
    assert count_queries(client, f"/subsidies/entitlements/{first.pk}/") == few_page


@pytest.fixture
def make_period(hc_admin):
    from tuoyu.subsidies.models import Period

    def make(year):
        return Period.objects.create(
            name=f"{year}年度", start=date(year, 1, 1), end=date(year, 12, 31), created_by=hc_admin
        )

    return make


def test_the_commission_recomputes_a_disputed_entitlement_from_the_records(
    client, operator, hc_admin, proposed
):
    client.force_login(operator)
    client.post(f"/subsidies/entitlements/{proposed.pk}/dispute/", {"dispute-reason": "三月份少算了一个孩子"})
    client.force_login(hc_admin)
    html = client.get(f"/subsidies/entitlements/{proposed.pk}/").content.decode()
    assert 'data-testid="recompute"' in html and 'data-testid="review"' in html
    response = client.post(
        f"/subsidies/entitlements/{proposed.pk}/recompute/", {"recompute-note": "已更正入托记录"}
    )
    assert response.status_code == 302
    assert Entitlement.objects.get(pk=proposed.pk).status == "proposed"
    assert EntitlementEvent.objects.filter(entitlement=proposed, to_status="proposed").exists()
    # Recomputing is only for a disputed one: now it is refused and nothing changes.
    response = client.post(f"/subsidies/entitlements/{proposed.pk}/recompute/", {"recompute-note": ""})
    assert response.status_code == 409
    assert Entitlement.objects.get(pk=proposed.pk).status == "proposed"


def test_a_zero_shows_its_reason_and_offers_nothing_to_do(
    client,
    operator,
    make_entitlement,
    period_2024h1,
    puhui_institution,  # noqa: F811
):
    nil = make_entitlement(period_2024h1, puhui_institution, "0.00", status="nil")
    Entitlement.objects.filter(pk=nil.pk).update(nil_reason=rules.NilReason.NO_CHILDREN)
    client.force_login(operator)
    html = client.get(f"/subsidies/entitlements/{nil.pk}/").content.decode()
    assert 'data-testid="nil-reason" data-reason="no_children"' in html
    assert str(rules.NilReason.NO_CHILDREN.label) in html
    assert 'data-testid="confirm"' not in html and 'data-testid="dispute"' not in html
