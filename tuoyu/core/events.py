"""Things that happened in one app that another app acts on, without the first importing the second.

bookings records an enrolment; the health app opens the child's health record. bookings may not import
health (the import contracts), so it publishes what happened and health subscribes:

    # tuoyu/bookings/services/enrolments.py
    events.publish("bookings.enrolled", enrolment=enrolment, by=by)

    # tuoyu/health/subscribers.py
    @events.subscriber("bookings.enrolled")
    def open_record(*, enrolment, by): ...

A subscriber runs in the publisher's transaction, so what it writes commits or rolls back with the
event, and an error in it refuses the whole change (a half-done enrolment is worse than none). Each
installed app's `subscribers` module is imported the first time anything is published (as `counts` and
`facts` find their providers). The names of events are listed in EVENTS, so a misspelt one fails at once.
"""

from collections import defaultdict
from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

# Every event the project publishes, with what it carries.
EVENTS = {
    # A child took a place at an institution (an accepted offer, or one the institution recorded).
    "bookings.enrolled": ("enrolment", "by"),
}

_SUBSCRIBERS: dict[str, list[Callable]] = defaultdict(list)
_discovered = False


def subscriber(name: str) -> Callable[[Callable], Callable]:
    """Register `function(**payload)` to run when `name` is published."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")

    def register(function: Callable) -> Callable:
        if function not in _SUBSCRIBERS[name]:
            _SUBSCRIBERS[name].append(function)
        return function

    return register


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("subscribers")
        _discovered = True


def publish(name: str, **payload) -> None:
    """Run every subscriber of `name` now, in the caller's transaction."""
    if name not in EVENTS:
        raise ValueError(f"unknown event {name!r}")
    if set(payload) != set(EVENTS[name]):
        raise TypeError(f"{name} carries {EVENTS[name]}, not {tuple(payload)}")
    _discover()
    for function in _SUBSCRIBERS[name]:
        function(**payload)
