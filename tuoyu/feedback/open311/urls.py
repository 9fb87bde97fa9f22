"""The Open311 GeoReport v2 routes; config/urls.py includes them under /open311/v2/ in the "open311"
namespace."""

from django.urls import path, re_path

from .views import (
    discovery,
    not_found,
    request_detail,
    request_list,
    service_definition,
    service_list,
    token,
)

urlpatterns = [
    path("discovery.<str:fmt>", discovery, name="discovery"),
    path("services.<str:fmt>", service_list, name="services"),
    path("requests.<str:fmt>", request_list, name="requests"),
    path("requests/<str:request_id>.<str:fmt>", request_detail, name="request"),
    path("services/<str:service_code>.<str:fmt>", service_definition, name="service"),
    path("tokens/<str:token_id>.<str:fmt>", token, name="token"),
    # Last: any other path under /open311/v2/ is the spec's 404, never the site's HTML page.
    re_path(r"^(?P<rest>.*)$", not_found, name="not_found"),
]
