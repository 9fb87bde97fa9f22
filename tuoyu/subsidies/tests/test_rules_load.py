"""load_subsidy_rules: Kaizhou's file loaded as Decimals, idempotent by effective_from; a bad file (a float
amount, a missing rate, a count day past 28) is refused whole and writes nothing."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tuoyu.subsidies.models import RuleSet
from tuoyu.subsidies.services.rules import SUBSIDY_RULES_FILE

pytestmark = pytest.mark.django_db


def test_kaizhou_loaded_twice_is_one_version():
    call_command("load_subsidy_rules")
    call_command("load_subsidy_rules")
    rule_set = RuleSet.objects.get()
    assert rule_set.effective_from == date(2024, 1, 1)
    assert (rule_set.rate_infant, rule_set.rate_toddler, rule_set.rate_preschool) == (
        Decimal("900.00"),
        Decimal("800.00"),
        Decimal("700.00"),
    )
    assert rule_set.construction_amount == Decimal("100000.00")
    assert rule_set.count_day == 15


@pytest.mark.parametrize(
    "change",
    [{"rate_toddler": 800.5}, {"rate_toddler": None}, {"count_day": 31}, {"effective_from": "2024-13-01"}],
)
def test_a_bad_file_is_refused_whole(tmp_path, change):
    data = json.loads(SUBSIDY_RULES_FILE.read_text(encoding="utf-8"))
    good = dict(data["rule_sets"][0], effective_from="2023-01-01")
    bad = {**data["rule_sets"][0], **change}
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"rule_sets": [good, bad]}), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_subsidy_rules", "--file", str(path))
    assert RuleSet.objects.count() == 0
