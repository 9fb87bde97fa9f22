"""Print the Schemathesis run's figures (test_api_fuzz.py) after the tests, where `pytest -q` shows them."""


def pytest_terminal_summary(terminalreporter):
    from tuoyu.core.tests.test_api_fuzz import RESULTS

    if not RESULTS:
        return
    terminalreporter.section("Schemathesis: the API against its schema")
    for figures in RESULTS:
        terminalreporter.write_line(
            f"{figures.persona:>9}: {len(figures.operations)} operations, {figures.cases} cases, "
            f"{len(figures.failures)} failures, {len(figures.errors)} errors; answers "
            + ", ".join(f"{code}×{n}" for code, n in sorted(figures.statuses.items()))
        )
    terminalreporter.write_line(
        f"    total: {sum(f.cases for f in RESULTS)} cases, "
        f"{sum(len(f.failures) + len(f.errors) for f in RESULTS)} failures"
    )
