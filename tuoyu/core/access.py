"""Route-level access: default deny, explicit public views, explicit roles.

Every view is either marked `public` (and so listed in the URL-wide test's allowlist) or requires a
role through `role_required`. LoginRequiredMiddleware enforces the first half; this module the second.
"""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

ANY_SIGNED_IN = "__any_signed_in__"


def public(view: Callable) -> Callable:
    """A page or API anyone may open without signing in."""
    view = login_not_required(view)
    view.tuoyu_public = True  # type: ignore[attr-defined]
    return view


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    """Allow only signed-in users whose role is one of `roles` (ANY_SIGNED_IN allows every role)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if ANY_SIGNED_IN not in roles and getattr(request.user, "role", None) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.tuoyu_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def view_roles(view: Callable) -> frozenset[str] | None:
    return getattr(view, "tuoyu_roles", None)


def is_public(view: Callable) -> bool:
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return bool(getattr(view, "tuoyu_public", False) or getattr(view_class, "tuoyu_public", False))


def roles_of(view: Callable) -> Iterable[str] | None:
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return getattr(view, "tuoyu_roles", None) or getattr(view_class, "tuoyu_roles", None)
