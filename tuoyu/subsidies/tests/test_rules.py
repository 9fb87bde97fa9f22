"""The pure rules on hand-computed cases, each to the fen (no database: unsaved RuleSets)."""

from datetime import date
from decimal import Decimal

import pytest

from tuoyu.subsidies import rules
from tuoyu.subsidies.models import RuleSet
from tuoyu.subsidies.rules import (
    EnrolmentFact,
    History,
    InstitutionFacts,
    NilReason,
    PaidOperating,
    PeriodFacts,
)

from .conftest import KAIZHOU_2024

H1 = PeriodFacts(id=1, name="2024H1", start=date(2024, 1, 1), end=date(2024, 6, 30))
H2 = PeriodFacts(id=2, name="2024H2", start=date(2024, 7, 1), end=date(2024, 12, 31))


def rule_set(effective_from=date(2024, 1, 1), **changes):
    return RuleSet(effective_from=effective_from, **{**KAIZHOU_2024, **changes})


RULES = [rule_set()]

MIX = (
    EnrolmentFact(1, "toddler", date(2024, 1, 1), None),  # Jan–Jun: 6 × 800 ÷ 12 = 400.00
    EnrolmentFact(2, "infant", date(2024, 3, 16), date(2024, 6, 30)),  # after the 15th: Apr–Jun, 225.00
    EnrolmentFact(3, "preschool", date(2024, 1, 10), date(2024, 5, 15)),  # Jan–May: 5 × 700 ÷ 12 = 291.67
)


def inst(**fields):
    defaults = {"id": 7, "name": "普惠园", "is_puhui": True, "filed_on": date(2023, 6, 1)}
    return InstitutionFacts(**{**defaults, **fields})


def test_a_puhui_mix_of_classes_and_months_to_the_fen():
    result = rules.operating(inst(enrolments=MIX), H1, RULES)
    by_child = {line.child_id: line for line in result.lines}
    assert (by_child[1].months, by_child[1].amount) == (6, Decimal("400.00"))
    assert (by_child[2].months, by_child[2].amount) == (3, Decimal("225.00"))
    assert (by_child[3].months, by_child[3].amount) == (5, Decimal("291.67"))  # 291.666… half up
    assert result.amount == Decimal("916.67")
    assert result.nil_reason == ""
    assert by_child[2].params["month_list"] == ["2024-04", "2024-05", "2024-06"]
    assert by_child[1].params["count_day"] == "15"


def test_the_same_children_in_a_non_puhui_institution_get_nothing_with_the_reason():
    result = rules.operating(inst(is_puhui=False, enrolments=MIX), H1, RULES)
    assert result.amount == Decimal("0.00")
    assert result.nil_reason == NilReason.NOT_PUHUI
    assert [(line.kind, line.reason) for line in result.lines] == [("nil", NilReason.NOT_PUHUI)]


def test_nil_reasons_in_order():
    assert (
        rules.operating(inst(filed_on=date(2024, 7, 1), enrolments=MIX), H1, RULES).nil_reason == "not_filed"
    )
    whole = ((date(2023, 12, 1), None),)
    assert rules.operating(inst(suspensions=whole, enrolments=MIX), H1, RULES).nil_reason == "suspended"
    assert rules.operating(inst(), H1, RULES).nil_reason == "no_children"


def test_filed_and_deregistered_within_the_period():
    # Filed 2024-02-20 (February's 15th is before it), deregistered 2024-05-15 (not filed on May 15th).
    result = rules.operating(
        inst(filed_on=date(2024, 2, 20), deregistered_on=date(2024, 5, 15), enrolments=MIX[:1]), H1, RULES
    )
    assert result.lines[0].months == 2  # March and April
    assert result.amount == Decimal("133.33")


def test_suspended_months_are_not_counted():
    # Suspended from 2024-02-01, lifted 2024-04-10: February and March do not count.
    facts = inst(suspensions=((date(2024, 2, 1), date(2024, 4, 10)),), enrolments=MIX[:1])
    result = rules.operating(facts, H1, RULES)
    assert result.lines[0].params["month_list"] == ["2024-01", "2024-04", "2024-05", "2024-06"]
    assert result.amount == Decimal("266.67")


def test_a_rate_change_in_the_middle_of_a_period():
    changed = [rule_set(), rule_set(date(2024, 4, 1), rate_toddler=Decimal("1000.00"), name="2024-04")]
    result = rules.operating(inst(enrolments=MIX[:1]), H1, changed)
    assert [(line.months, line.rate, line.amount) for line in result.lines] == [
        (3, Decimal("800.00"), Decimal("200.00")),
        (3, Decimal("1000.00"), Decimal("250.00")),
    ]
    assert [line.params["rule_set_from"] for line in result.lines] == ["2024-01-01", "2024-04-01"]
    assert result.amount == Decimal("450.00")


def _chain(slots_each, uscc="91500000MA00000001"):
    return [
        inst(
            id=10 + n,
            name=f"连锁{n}",
            capacity_total=slots,
            investor_uscc=uscc,
            filed_on=date(2023, 1, 1 + n),
        )
        for n, slots in enumerate(slots_each)
    ]


def test_the_chain_rule_goes_to_the_member_filed_first():
    members = _chain([60, 50, 80])
    first = rules.construction(members[0], H1, RULES, members)
    assert first.amount == Decimal("100000.00")
    assert first.investor_uscc == "91500000MA00000001"
    assert [m["slots"] for m in first.lines[0].params["members"]] == ["60", "50", "80"]
    others = [rules.construction(m, H1, RULES, members) for m in members[1:]]
    assert {(o.amount, o.nil_reason) for o in others} == {(Decimal("0.00"), NilReason.ALREADY_RECEIVED)}


def test_a_chain_member_one_slot_short_of_50():
    members = _chain([60, 49, 80])
    assert {rules.construction(m, H1, RULES, members).nil_reason for m in members} == {
        NilReason.BELOW_THRESHOLD
    }


@pytest.mark.parametrize(
    ("slots", "amount", "reason"), [(149, "0.00", "below_threshold"), (150, "100000.00", "")]
)
def test_the_single_institution_rule_at_149_and_150(slots, amount, reason):
    result = rules.construction(inst(capacity_total=slots), H1, RULES)
    assert (result.amount, result.nil_reason) == (Decimal(amount), reason)


def test_the_same_investor_asking_twice():
    members = _chain([60, 50, 80])
    history = History(construction_investors=frozenset({"91500000MA00000001"}))
    assert (
        rules.construction(members[0], H2, RULES, members, history).nil_reason == NilReason.ALREADY_RECEIVED
    )
    single = History(construction_institutions=frozenset({7}))
    assert (
        rules.construction(inst(capacity_total=200), H2, RULES, (), single).nil_reason == "already_received"
    )


def test_construction_needs_filing_on_the_period_end():
    facts = inst(capacity_total=200, deregistered_on=date(2024, 6, 1))
    assert rules.construction(facts, H1, RULES).nil_reason == NilReason.NOT_FILED


def _children(n):
    return tuple(EnrolmentFact(i, "toddler", date(2024, 1, 1), None) for i in range(n))


@pytest.mark.parametrize(
    ("children", "amount", "tier"),
    [
        (49, "50000.00", "small"),
        (50, "100000.00", "medium"),
        (99, "100000.00", "medium"),
        (100, "150000.00", "large"),
    ],
)
def test_the_demonstration_award_by_enrolled_children(children, amount, tier):
    result = rules.demonstration(inst(municipal_titles=(2024,), enrolments=_children(children)), H1, RULES)
    assert result.amount == Decimal(amount)
    assert result.lines[0].params["tier"] == tier
    assert result.lines[0].params["children"] == str(children)


def test_the_demonstration_award_once_per_title_and_only_for_the_year():
    facts = inst(municipal_titles=(2024,), enrolments=_children(10))
    paid = History(demonstration_titles=frozenset({(7, 2024)}))
    assert rules.demonstration(facts, H2, RULES, paid).nil_reason == NilReason.NO_TITLE
    assert rules.demonstration(inst(municipal_titles=(2023,)), H1, RULES).nil_reason == NilReason.NO_TITLE


def test_a_deregistration_after_a_paid_period_is_a_negative_adjustment():
    # H1 paid 400.00 for one toddler; the institution's deregistration on 2024-04-01 was recorded later.
    facts = inst(deregistered_on=date(2024, 4, 1), enrolments=MIX[:1])
    paid = (PaidOperating(period=H1, paid=Decimal("400.00")),)
    result = rules.operating(facts, H2, RULES, paid)
    adjustment = [line for line in result.lines if line.kind == "adjustment"][0]
    # Recomputed Jan–Mar = 200.00; 200.00 − 400.00 = −200.00, but nothing is due in H2 to set it off.
    assert adjustment.params["difference"] == "-200.00"
    assert adjustment.params["to_recover"] == "200.00"
    assert adjustment.amount == Decimal("0.00")
    assert result.amount == Decimal("0.00")
    assert result.nil_reason == NilReason.NOT_FILED
    assert rules.explain(adjustment)


def test_a_negative_adjustment_set_off_against_what_is_due():
    # One toddler all year, a second whose H1 months were paid though the records now end on 2024-02-20.
    facts = inst(enrolments=(MIX[0], EnrolmentFact(9, "toddler", date(2024, 1, 1), date(2024, 2, 20))))
    paid = (PaidOperating(period=H1, paid=Decimal("800.00")),)  # both children, 6 months each
    result = rules.operating(facts, H2, RULES, paid)
    # H2: 400.00; H1 recomputed: 400.00 + 2 × 800 ÷ 12 = 533.33; adjustment 533.33 − 800.00 = −266.67.
    assert [line.amount for line in result.lines] == [Decimal("400.00"), Decimal("-266.67")]
    assert result.amount == Decimal("133.33")
    # The same adjustment, once proposed, is not proposed again.
    again = (PaidOperating(period=H1, paid=Decimal("800.00"), earlier_adjustments=Decimal("-266.67")),)
    assert [line.kind for line in rules.operating(facts, H2, RULES, again).lines] == ["child"]


def test_every_line_explains_itself_with_its_figures():
    result = rules.operating(inst(enrolments=MIX), H1, RULES)
    text = rules.explain(result.lines[0])
    assert "225.00" in text and "900.00" in text and "2024-01-01" in text and "15" in text
    chain = rules.construction(_chain([60, 50, 80])[0], H1, RULES, _chain([60, 50, 80]))
    assert "连锁0" in rules.explain(chain.lines[0]) and "100,000.00" in rules.explain(chain.lines[0])
    nil = rules.construction(inst(capacity_total=149), H1, RULES)
    assert "149" in rules.explain(nil.lines[0])
    assert rules.explain_rule()
