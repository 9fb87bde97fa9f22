"""API conventions shared by every app: pagination and JSON errors in the request's language."""

from rest_framework import pagination
from rest_framework.views import exception_handler as drf_exception_handler


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def exception_handler(exc, context):
    """DRF's handler, plus a top-level `message` a client can show as it is."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        detail = response.data.get("detail")
        if detail is not None:
            response.data["message"] = str(detail)
        else:
            first = next(iter(response.data.values()), "")
            response.data = {
                "message": str(first[0] if isinstance(first, list) and first else first),
                "errors": response.data,
            }
    return response
