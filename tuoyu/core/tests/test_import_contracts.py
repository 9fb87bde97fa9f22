"""Which app may import which (issue 10), held in `make test`: import-linter checks the contracts of
pyproject.toml's [tool.importlinter] over the whole import graph, indirect imports included.

core imports no app; regions imports none of the services built on it; the register (institutions)
imports nothing of filings, bookings or feedback; those three do not import each other except for the
exceptions named, with their reasons, in pyproject.toml."""

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_the_apps_import_only_what_the_contracts_allow(capsys):
    # no_cache: the graph is built fresh, so nothing is written beside the code.
    result = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    assert result == 0, capsys.readouterr().out
