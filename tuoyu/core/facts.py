"""Facts about institutions that other apps hold, registered by name, so the register's pages show them
without importing those apps (the import contract: institutions imports nothing of feedback).

An app offers a fact in its `selectors.py`:

    from tuoyu.core.facts import institution_fact

    @institution_fact("ratings")
    def ratings_of(institution_ids: list[int]) -> dict[int, dict]:
        ...  # one query for all the ids

One signature for all: the institutions' ids in, a dict by id out (an id may be missing: nothing known).
Each provider is one query whatever the number of ids, so a page that reads every fact issues a fixed
number of queries. `core` imports no app: the providers are found the first time a fact is read, by
importing every installed app's `selectors` module (as `counts.autodiscover` does for `counts`).
"""

from collections.abc import Callable
from typing import Any

from django.utils.module_loading import autodiscover_modules

Provider = Callable[[list[int]], dict[int, Any]]

_PROVIDERS: dict[str, Provider] = {}
_discovered = False


def institution_fact(name: str) -> Callable[[Provider], Provider]:
    """Register `function(institution_ids) -> {id: value}` under `name` (unique across the project)."""

    def register(function: Provider) -> Provider:
        if name in _PROVIDERS and _PROVIDERS[name] is not function:
            raise ValueError(f"institution fact {name!r} is registered twice")
        _PROVIDERS[name] = function
        return function

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("selectors")
        _discovered = True


def institution_facts(institution_ids: list[int]) -> dict[str, dict[int, Any]]:
    """Every registered fact for these institutions: {fact name: {institution id: value}}."""
    _discover()
    if not institution_ids:
        return {name: {} for name in _PROVIDERS}
    return {name: provider(list(institution_ids)) for name, provider in sorted(_PROVIDERS.items())}


def institution_fact_of(name: str, institution_ids: list[int]) -> dict[int, Any] | None:
    """One fact for these institutions ({id: value}), or None while no app offers it: a rule that needs a
    single fact (the carers per class) reads that one query, not every provider's."""
    _discover()
    provider = _PROVIDERS.get(name)
    if provider is None:
        return None
    return provider(list(institution_ids)) if institution_ids else {}
