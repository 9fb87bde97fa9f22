"""The count-source registry: one signature, registered by name, found in every app."""

from datetime import date

import pytest

from tuoyu.core import counts
from tuoyu.core.counts import Period


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(date(2025, 2, 1), date(2025, 1, 31))
    assert Period.year(2025) == Period(date(2025, 1, 1), date(2025, 12, 31))


def test_an_unknown_source_names_the_known_ones():
    with pytest.raises(LookupError, match="no count source 'nowhere.nothing'"):
        counts.count("nowhere.nothing", period=Period.year(2025))


def test_a_name_cannot_be_registered_twice_and_none_is_refused(monkeypatch):
    monkeypatch.setattr(counts, "_SOURCES", {})

    @counts.count_source("test.nothing", "nothing")
    def nothing(*, unit, period):
        return None

    with pytest.raises(ValueError, match="registered twice"):
        counts.count_source("test.nothing", "again")(lambda *, unit, period: 1)
    with pytest.raises(TypeError, match="returned None"):
        counts.count("test.nothing", period=Period.year(2025))
