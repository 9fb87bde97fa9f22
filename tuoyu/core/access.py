"""Route-level access, declared once per view and per HTTP method, enforced in one place.

Every view declares who may call it, and `tuoyu.core.middleware.LoginRequiredMiddleware` (the
default-deny middleware) enforces the declaration on every request:

- a function view: `@public` (anyone), or `@role_required(*roles)` (the same roles for every method),
  or `@role_required(*read_roles, write=write_roles)` (GET/HEAD/OPTIONS need one set, the methods that
  change something the other);
- a class view (the API): the class attribute `tuoyu_access = public_access()` or
  `only(*roles)` or `only(*read_roles, write=write_roles)` or `public_access(write=roles)` (anyone reads,
  only those roles write).

The role sets come from `tuoyu.accounts.capabilities`. A view that declares nothing is refused (403)
at runtime, and the URL-wide test (tuoyu/core/tests/test_routes.py) walks every route with every method
and every role against these declarations. Object-level rules (is this your child, your institution?)
stay in the services and selectors; the declaration only says which roles may knock.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied

# Role markers a declaration may hold besides real roles.
ANYONE = "__anyone__"  # signed in or not
ANY_SIGNED_IN = "__any_signed_in__"  # any role, once signed in

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Access:
    read: frozenset[str]  # roles admitted for GET, HEAD, OPTIONS
    write: frozenset[str]  # roles admitted for POST, PUT, PATCH, DELETE

    def roles_for(self, method: str) -> frozenset[str]:
        return self.read if method.upper() in SAFE_METHODS else self.write

    def is_public_for(self, method: str) -> bool:
        return ANYONE in self.roles_for(method)

    def admits(self, user, method: str) -> bool:
        roles = self.roles_for(method)
        if ANYONE in roles:
            return True
        if user is None or not user.is_authenticated:
            return False
        return ANY_SIGNED_IN in roles or getattr(user, "role", None) in roles


def only(*roles: str, write: Iterable[str] | None = None) -> Access:
    """Signed-in users with one of `roles` (for writes: `write` when given, else the same roles)."""
    if not roles:
        raise ValueError("name at least one role (or ANY_SIGNED_IN); a view for nobody is a mistake")
    read = frozenset(roles)
    return Access(read=read, write=frozenset(write) if write is not None else read)


def public_access(*, write: Iterable[str] | None = None) -> Access:
    """Anyone may read; writes are open to anyone too unless `write` names the roles."""
    return Access(
        read=frozenset({ANYONE}), write=frozenset(write) if write is not None else frozenset({ANYONE})
    )


def public(view: Callable) -> Callable:
    """A page or API anyone may open without signing in."""
    view = login_not_required(view)
    view.tuoyu_access = public_access()  # type: ignore[attr-defined]
    return view


def role_required(*roles: str, write: Iterable[str] | None = None) -> Callable[[Callable], Callable]:
    """Declare the roles a function view admits (ANY_SIGNED_IN admits every role). The middleware
    enforces it for every request; the wrapper checks the same declaration again, so a view called any
    other way (a test's RequestFactory, another view) holds to it too."""
    access = only(*roles, write=write)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not access.admits(request.user, request.method):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.tuoyu_access = access  # type: ignore[attr-defined]
        return wrapped

    return decorator


def access_of(view: Callable) -> Access | None:
    """The declaration of a URL's callback (a function view, or a class view's `as_view()`), or of a
    class view instance (what DRF's permission classes are given)."""
    declared = getattr(view, "tuoyu_access", None)
    if declared is not None:
        return declared
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if view_class is None and not callable(view):
        view_class = type(view)
    return getattr(view_class, "tuoyu_access", None)


def is_public(view: Callable) -> bool:
    """Whether a GET needs no sign-in (the allowlist of the URL-wide test)."""
    access = access_of(view)
    return access is not None and access.is_public_for("GET")


def roles_of(view: Callable) -> frozenset[str] | None:
    """The roles a GET admits; None when the view declares nothing."""
    access = access_of(view)
    return None if access is None else access.read
