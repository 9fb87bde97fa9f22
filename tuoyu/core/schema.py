"""The OpenAPI schema tells the truth about errors: every operation declares the error answers it can give.

One AutoSchema (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds them from what the view is, instead of a
decorator on each view: the Schemathesis run (tuoyu/core/tests/test_api_fuzz.py) fails on any status
code or body the schema does not declare. A view's own declaration of a code wins.
"""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from .access import access_of


class ErrorSerializer(serializers.Serializer):
    """What every refusal looks like (tuoyu.core.api.exception_handler and the handlers shape it)."""

    message = serializers.CharField(help_text="One sentence a client can show as it is")
    detail = serializers.CharField(required=False, help_text="For 401, 403, 404, 409 (state), 413, 415")
    errors = serializers.DictField(
        required=False,
        help_text="For 400 and 409: the messages per field (`non_field_errors` for the whole request)",
    )

    class Meta:
        ref_name = "Error"


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# For developers reading the schema, so in English like the rest of it.
ERRORS = {
    "400": _error("The request's input is invalid: the messages name the fields"),
    "401": _error("Not signed in (a session cookie is needed)"),
    "403": _error("Your role or relation may not do this, or the CSRF token is missing"),
    "404": _error("No such record that you may see"),
    "409": _error("The record's current state does not allow this"),
    "413": _error("The request body is too large"),
    "415": _error("The request body is not JSON"),
}


def error_codes(*, public: bool, unsafe: bool, has_path_parameter: bool) -> list[str]:
    codes = ["400"]
    if not public or unsafe:
        codes += ["401", "403"]
    if has_path_parameter:
        codes.append("404")
    if unsafe:
        codes += ["409", "413", "415"]
    return codes


# A time of day as DRF writes it ("08:00:00", "08:00"). OpenAPI's `format: time` means RFC 3339's full-time,
# which needs a UTC offset, so validators refused every opening hour the API answered.
LOCAL_TIME = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"}


def _is_public(view, method: str) -> bool:
    access = access_of(view)
    return access is not None and access.is_public_for(method)


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            schema = {**{k: v for k, v in schema.items() if k != "format"}, **LOCAL_TIME}
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = error_codes(
            public=_is_public(self.view, self.method),
            unsafe=self.method not in SAFE_METHODS,
            has_path_parameter="{" in self.path,
        )
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(ERRORS[code], code, direction=direction)
        return responses


class SessionScheme(OpenApiAuthenticationExtension):
    """Our SessionAuthentication (tuoyu.core.api) is DRF's with a WWW-Authenticate header: same cookie."""

    target_class = "tuoyu.core.api.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}
