"""Issue 10's rule, held by the code itself: a status changes only through core.statemachine.

1. No module outside tuoyu/core/statemachine.py writes a status by hand: no `x.status = ...` (nor the
   field a Workflow names), no `setattr(x, "status", ...)`, no `.update(status=...)` or
   `.update(**{"status": ...})`, no `update_audited(..., status=...)`, no `bulk_update(..., ["status"])`.
   Creating a row in its first status is not a change and stays allowed.
2. Every model of the project with a status (or a Workflow's field) has a Workflow, declared in its app's
   workflow.py, and an event model (a foreign key to it with from_<field> and to_<field>).
"""

import ast
import importlib
import pkgutil
from pathlib import Path

from django.apps import apps
from django.db import models

import tuoyu
from tuoyu.core.statemachine import Workflow

ROOT = Path(tuoyu.__file__).resolve().parent
ALLOWED = {ROOT / "core" / "statemachine.py"}  # the one place a status is set


def workflows() -> list[Workflow]:
    """Every Workflow declared at module level in a tuoyu app's workflow.py."""
    found = []
    for app in pkgutil.iter_modules([str(ROOT)]):
        if not (ROOT / app.name / "workflow.py").exists():
            continue
        module = importlib.import_module(f"tuoyu.{app.name}.workflow")
        found += [value for value in vars(module).values() if isinstance(value, Workflow)]
    return list({id(w): w for w in found}.values())


def status_fields() -> set[str]:
    return {"status"} | {workflow.field for workflow in workflows()}


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts[:-1])
        if "tests" in parts or "migrations" in parts or path.name.startswith("test_") or path in ALLOWED:
            continue
        yield path


def _is_status_key(node, fields) -> bool:
    return isinstance(node, ast.Constant) and node.value in fields


def _targets(node):
    """Every attribute an assignment writes, through tuples and starred targets."""
    if isinstance(node, (ast.Tuple, ast.List)):
        for element in node.elts:
            yield from _targets(element)
    elif isinstance(node, ast.Starred):
        yield from _targets(node.value)
    elif isinstance(node, ast.Attribute):
        yield node


def status_writes(source: str, fields: set[str]) -> list[tuple[int, str]]:
    """(line, what) for every hand-written status change in `source`."""
    found = []
    tree = ast.parse(source)
    # An object setting its own attribute while it is built (an exception's HTTP status) changes nothing.
    constructing = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef) and function.name == "__init__"
        for node in ast.walk(function)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        else:
            targets = []
        for target in targets:
            for attribute in _targets(target):
                if attribute.attr in fields and id(attribute) not in constructing:
                    found.append((node.lineno, f"assigns .{attribute.attr}"))
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "setattr" and len(node.args) >= 2 and _is_status_key(node.args[1], fields):
            found.append((node.lineno, f"setattr(..., {node.args[1].value!r})"))
        if name in {"update", "update_audited"}:
            for keyword in node.keywords:
                if keyword.arg in fields:
                    found.append((node.lineno, f"{name}({keyword.arg}=...)"))
                elif (
                    keyword.arg is None
                    and isinstance(keyword.value, ast.Dict)
                    and any(_is_status_key(key, fields) for key in keyword.value.keys)
                ):
                    found.append((node.lineno, f"{name}(**{{status: ...}})"))
        if name == "bulk_update":
            named = [*node.args[1:2], *(k.value for k in node.keywords if k.arg == "fields")]
            for fields_node in named:
                if isinstance(fields_node, (ast.List, ast.Tuple, ast.Set)) and any(
                    _is_status_key(element, fields) for element in fields_node.elts
                ):
                    found.append((node.lineno, "bulk_update(..., [status])"))
    return found


def test_the_scan_sees_every_kind_of_hand_written_status_change():
    fields = {"status"}
    source = "\n".join(
        [
            "x.status = 'a'",
            "a.status, b = 'a', 1",
            "x.status += 'a'",
            "setattr(x, 'status', 'a')",
            "Model.objects.filter(pk=1).update(status='a')",
            "qs.update(**{'status': 'a'})",
            "update_audited(Model, pk=1, status='a')",
            "Model.objects.bulk_update(rows, ['status'])",
            # Not changes: reading, comparing, creating in the first status, other fields.
            "y = x.status",
            "x.status == 'a'",
            "Model.objects.create(status='a')",
            "qs.update(note='a')",
            "x.statuses = 1",
            "class Error(Exception):\n    def __init__(self, status):\n        self.status = status",
        ]
    )
    assert [line for line, _what in status_writes(source, fields)] == list(range(1, 9))


def test_no_code_outside_the_state_machine_writes_a_status():
    fields = status_fields()
    violations = [
        f"{path.relative_to(ROOT.parent)}:{line}: {what}"
        for path in project_sources()
        for line, what in status_writes(path.read_text(encoding="utf-8"), fields)
    ]
    assert violations == [], "status written outside core.statemachine.transition():\n" + "\n".join(
        violations
    )


def _event_models(model: type[models.Model], field: str) -> list[type[models.Model]]:
    return [
        candidate
        for candidate in apps.get_models()
        if {f"from_{field}", f"to_{field}"} <= {f.name for f in candidate._meta.get_fields()}
        and any(
            isinstance(f, models.ForeignKey) and f.related_model is model
            for f in candidate._meta.get_fields()
        )
    ]


def test_every_model_with_a_status_has_a_workflow_and_an_event_table():
    declared = {workflow.model: workflow for workflow in workflows()}
    fields = status_fields()
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("tuoyu."):
            continue
        names = {f.name for f in model._meta.concrete_fields} & fields
        if model in declared:
            names = {declared[model].field}
        for name in sorted(names):
            workflow = declared.get(model)
            label = f"{model._meta.label}.{name}"
            if workflow is None or workflow.field != name:
                missing.append(f"{label}: no Workflow in its app's workflow.py")
            elif not _event_models(model, name):
                missing.append(f"{label}: no event model (FK to it with from_{name}, to_{name})")
    assert missing == [], "\n".join(missing)
