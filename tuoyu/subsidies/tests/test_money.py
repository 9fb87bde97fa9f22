"""Money is Decimal end to end: no float call or float literal in the subsidies' code, every computed
line a Decimal to the fen, and money() refuses a float."""

import ast
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tuoyu.subsidies import money, rules
from tuoyu.subsidies.models import RuleSet

from .conftest import KAIZHOU_2024

APP = Path(rules.__file__).resolve().parent
# Where money is computed, stored or shown: not even a float literal there (a demo's "30.5 days" elsewhere
# is no money; a float() call or a FloatField is refused everywhere).
MONEY_PATHS = ("money.py", "rules.py", "models.py", "serializers.py", "api.py", "selectors", "services")


def _money_path(path: Path) -> bool:
    return path.relative_to(APP).parts[0] in MONEY_PATHS


def _sources():
    for path in sorted(APP.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        yield path


def test_no_float_anywhere_in_the_subsidies_code():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
                found.append(f"{path.relative_to(APP)}:{node.lineno} float()")
            if isinstance(node, ast.Constant) and isinstance(node.value, float) and _money_path(path):
                found.append(f"{path.relative_to(APP)}:{node.lineno} {node.value!r}")
            if isinstance(node, ast.Name) and node.id == "FloatField":
                found.append(f"{path.relative_to(APP)}:{node.lineno} FloatField")
            if isinstance(node, ast.Attribute) and node.attr == "FloatField":
                found.append(f"{path.relative_to(APP)}:{node.lineno} FloatField")
    assert found == []


def test_money_refuses_a_float():
    with pytest.raises(TypeError):
        money.money(0.1)
    with pytest.raises(TypeError):
        money.pro_rated(800.0, 6)
    assert money.money("0.125") == Decimal("0.13")  # half up


def test_every_computed_line_is_a_decimal_to_the_fen():
    rule_sets = [RuleSet(effective_from=date(2024, 1, 1), **KAIZHOU_2024)]
    facts = rules.InstitutionFacts(
        id=1,
        is_puhui=True,
        filed_on=date(2023, 1, 1),
        capacity_total=150,
        municipal_titles=(2024,),
        enrolments=tuple(
            rules.EnrolmentFact(n, group, date(2024, 1, n % 28 + 1), None)
            for n, group in enumerate(["infant", "toddler", "preschool", "mixed"] * 5)
        ),
    )
    period = rules.PeriodFacts(id=1, name="2024", start=date(2024, 1, 1), end=date(2024, 12, 31))
    computed = rules.compute_institution(facts, period, rule_sets)
    assert [e.kind for e in computed] == ["operating", "construction", "demonstration"]
    for entitlement in computed:
        assert isinstance(entitlement.amount, Decimal) and entitlement.amount.as_tuple().exponent == -2
        assert entitlement.amount == sum(line.amount for line in entitlement.lines)
        for line in entitlement.lines:
            assert isinstance(line.amount, Decimal) and line.amount.as_tuple().exponent == -2
            assert not any(isinstance(value, float) for value in line.params.values())


@pytest.mark.django_db
def test_a_sum_in_the_database_is_exact_to_the_fen_on_either_database(
    make_entitlement, period_2024, puhui_institution, other_institution, make_institution
):
    """SQLite sums decimals in floating point (0.1 + 0.2 = 0.30000000000000004) and hands an aggregate back
    unrounded; MoneySum gives the same Decimal to the fen as PostgreSQL's exact numeric, and 0.00 over
    no rows."""
    from tuoyu.subsidies.models import Entitlement

    for institution, amount in (
        (puhui_institution, "0.10"),
        (other_institution, "0.20"),
        (make_institution(), "102400.05"),
    ):
        make_entitlement(period_2024, institution, amount)
    total = Entitlement.objects.aggregate(total=money.MoneySum("amount"))["total"]
    assert total == Decimal("102400.35") and total.as_tuple().exponent == -2
    small = Entitlement.objects.exclude(amount__gt=1).aggregate(total=money.MoneySum("amount"))["total"]
    assert str(small) == "0.30"
    nothing = Entitlement.objects.filter(kind="demonstration").aggregate(total=money.MoneySum("amount"))[
        "total"
    ]
    assert nothing == Decimal("0.00") and str(nothing) == "0.00"
