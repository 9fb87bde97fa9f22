"""Base pieces for non-public API views. Kept apart from api.py, which settings import (pagination,
exception handler) before DRF's generic views can be."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from .access import access_of
from .api import CONFLICT_CODES, Conflict


class HasRole(BasePermission):
    """The view's access declaration (tuoyu/core/access.py) as DRF sees it. The default-deny middleware
    has already enforced it; DRF asks again so a view reached any other way (a test's APIRequestFactory)
    holds to the same rule, and so the schema knows the view needs a signed-in user."""

    def has_permission(self, request, view) -> bool:
        access = access_of(view)
        return bool(access is not None and request.user and access.admits(request.user, request.method))


class SignedInAPIView(GenericAPIView):
    """A non-public API view: anonymous requests meet the project's default deny (a JSON 401).

    DRF marks every view `login_required = False` to step around Django's LoginRequiredMiddleware;
    only the public ones (`tuoyu_public`) should, and the URL-wide access test holds us to it.
    """

    permission_classes = [HasRole]

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = True
        return view


@contextmanager
def service_errors(
    *, fields: Iterable[str] = (), list_key: str | None = None, field_conflicts: bool = False
) -> Iterator[None]:
    """A service's Django ValidationError as DRF's, so the client gets a 400 with `message` and `errors`,
    or a 409 in the same shape when its code (CONFLICT_CODES) says the record's state refuses the action.

    Errors keyed by field stay so. A single message goes under its code when the code names a field of
    the request (`comments`, `reasons`), else under `non_field_errors`. A list of messages (what
    filing_submit raises for an incomplete application) goes under `list_key` when one is given.
    With `field_conflicts`, errors keyed by field are a 409 too when one of them carries a conflict code
    (the same person or the same day recorded twice: `duplicate` on a field, as a form shows it).
    PermissionDenied and Http404 pass through: DRF already answers them with 403 and 404.
    """
    try:
        yield
    except DjangoValidationError as exc:
        whole = api_settings.NON_FIELD_ERRORS_KEY
        if hasattr(exc, "error_dict"):
            detail = {
                (whole if key == NON_FIELD_ERRORS else key): msgs for key, msgs in exc.message_dict.items()
            }
            if field_conflicts and any(
                error.code in CONFLICT_CODES for errors in exc.error_dict.values() for error in errors
            ):
                raise Conflict(detail) from exc
        elif hasattr(exc, "code"):  # one message
            detail = {exc.code if exc.code in set(fields) else whole: exc.messages}
            if exc.code in CONFLICT_CODES:
                raise Conflict(detail) from exc
        else:
            detail = {list_key or whole: exc.messages}
        raise ValidationError(detail) from exc


def validated(request, serializer_class, **kwargs) -> dict:
    """The request body checked by `serializer_class`; a 400 with every field's message otherwise."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ActionAPIView(SignedInAPIView):
    """A POST sub-resource that moves one object through its workflow and answers its new state.

    A subclass names how the object reaches the user (`access`, an access_<thing>_for_user helper that
    raises 404), how its state is shown (`state`), and what the action does (`act`). Errors of the
    services become 400s, or 409s when the object's state refuses the action, through `service_errors`:
    `error_fields` lists the request fields a single message may belong to, `error_list_key` where a
    list of messages goes.
    """

    error_fields: frozenset[str] = frozenset()
    error_list_key: str | None = None

    def access(self, user, pk: int):
        raise NotImplementedError

    def state(self, request, pk: int):
        raise NotImplementedError

    def act(self, request, obj) -> None:
        raise NotImplementedError

    def post(self, request, pk: int):
        obj = self.access(request.user, pk)
        with service_errors(fields=self.error_fields, list_key=self.error_list_key):
            self.act(request, obj)
        return Response(self.state(request, pk))
