"""The outbreak rule at its boundaries, as pure functions over plain cases (class, child, day, symptom):
3 children with the same symptom in a class on one day, or 5 within 3 consecutive days ending today."""

from datetime import date, timedelta

from tuoyu.health.rules import clusters, outbreak_window

TODAY = date(2026, 11, 30)
RULES = [("same-day-3", 1, 3), ("three-days-5", 3, 5)]
CLASS, OTHER_CLASS = 10, 11


def day(back: int) -> date:
    return TODAY - timedelta(days=back)


def fever(*children, on=TODAY, class_id=CLASS, symptom="fever"):
    return [(class_id, child, on, symptom) for child in children]


def rules_hit(found):
    return {(c.class_id, c.symptom, c.rule) for c in found}


def test_three_children_with_fever_in_a_class_on_one_day_raise_the_same_day_rule():
    found = clusters(fever(1, 2, 3), RULES, TODAY)
    assert rules_hit(found) == {(CLASS, "fever", "same-day-3")}
    assert found[0].children == (1, 2, 3)
    assert found[0].days == (TODAY,)
    assert found[0].cases == 3


def test_two_children_on_one_day_raise_nothing():
    assert clusters(fever(1, 2), RULES, TODAY) == []


def test_five_children_within_three_consecutive_days_raise_the_three_day_rule():
    cases = fever(1, 2, on=day(2)) + fever(3, 4, on=day(1)) + fever(5, on=TODAY)
    found = clusters(cases, RULES, TODAY)
    assert rules_hit(found) == {(CLASS, "fever", "three-days-5")}
    (cluster,) = found
    assert cluster.children == (1, 2, 3, 4, 5)
    assert cluster.first_day == day(2) and cluster.last_day == TODAY
    assert cluster.days == (day(2), day(1), TODAY)


def test_five_children_spread_over_four_days_raise_nothing_by_the_three_day_rule():
    cases = fever(1, 2, on=day(3)) + fever(3, on=day(2)) + fever(4, on=day(1)) + fever(5, on=TODAY)
    assert clusters(cases, RULES, TODAY) == []


def test_four_children_within_three_days_raise_nothing():
    cases = fever(1, 2, on=day(2)) + fever(3, on=day(1)) + fever(4, on=TODAY)
    assert clusters(cases, RULES, TODAY) == []


def test_both_rules_are_reported_when_both_are_reached_shortest_window_first():
    cases = fever(1, 2, on=day(1)) + fever(3, 4, 5, on=TODAY)
    found = clusters(cases, RULES, TODAY)
    assert [c.rule for c in found] == ["same-day-3", "three-days-5"]
    assert found[0].children == (3, 4, 5)
    assert found[1].children == (1, 2, 3, 4, 5)


def test_cases_in_two_classes_are_counted_per_class():
    cases = fever(1, 2) + fever(3, 4, class_id=OTHER_CLASS)
    assert clusters(cases, RULES, TODAY) == []
    cases += fever(5, class_id=OTHER_CLASS)
    assert rules_hit(clusters(cases, RULES, TODAY)) == {(OTHER_CLASS, "fever", "same-day-3")}


def test_the_same_child_on_two_days_counts_once():
    # Children 1 and 2 at the morning and the midday check and again the next days: still two children.
    cases = fever(1, 2, on=day(2)) + fever(1, 2, on=day(1)) + fever(1, 2) + fever(1, 2) + fever(3, on=day(1))
    assert clusters(cases, RULES, TODAY) == []
    assert clusters(cases + fever(4, 5), RULES, TODAY)[-1].children == (1, 2, 3, 4, 5)


def test_the_same_child_twice_on_one_day_counts_once():
    assert clusters(fever(1, 1, 2), RULES, TODAY) == []


def test_different_symptoms_do_not_add_up():
    cases = fever(1) + fever(2, symptom="cough") + fever(3, symptom="rash")
    assert clusters(cases, RULES, TODAY) == []
    cases = fever(1, 2, 3, symptom="diarrhoea") + fever(4, 5)
    assert rules_hit(clusters(cases, RULES, TODAY)) == {(CLASS, "diarrhoea", "same-day-3")}


def test_a_child_absent_for_illness_is_a_case_like_any_other():
    # The rule sees plain cases; the service turns an absence for illness with its symptoms into one.
    absent_for_illness = (CLASS, 3, TODAY, "fever")
    assert rules_hit(clusters(fever(1, 2) + [absent_for_illness], RULES, TODAY))


def test_cases_after_today_or_before_the_window_are_ignored():
    cases = fever(1, 2, 3, on=TODAY + timedelta(days=1)) + fever(4, 5, 6, on=day(3))
    assert clusters(cases, RULES, TODAY) == []


def test_the_window_ends_on_today_and_spans_its_days():
    assert outbreak_window(1, TODAY) == (TODAY, TODAY)
    assert outbreak_window(3, TODAY) == (day(2), TODAY)


def test_thresholds_are_data():
    assert rules_hit(clusters(fever(1, 2), [("strict", 1, 2)], TODAY)) == {(CLASS, "fever", "strict")}
    assert clusters(fever(1, 2, 3), [("lenient", 1, 4)], TODAY) == []
    assert clusters(fever(1, 2, 3), [], TODAY) == []


def test_rules_given_as_a_generator_are_read_once():
    found = clusters(fever(1, 2, 3), (rule for rule in RULES), TODAY)
    assert [c.rule for c in found] == ["same-day-3"]
