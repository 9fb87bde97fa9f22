"""Helpers for the tests of every app (imported by tests only)."""

import threading

from django.core.exceptions import ValidationError
from django.db import connections


def race(actions, *, timeout: float = 120) -> list[tuple[str, object]]:
    """Run the callables at the same instant, each in its own thread with its own database connection,
    and return ("ok", result), ("refused", ValidationError) or ("error", exception) for each, in order.

    For PostgreSQL tests of row locks ("assume every operation runs concurrently with itself"): a
    barrier releases all threads together so their transactions really overlap.
    """
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = ("ok", action())
        except ValidationError as exc:
            outcomes[index] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - any other error is what the test must catch
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return outcomes
