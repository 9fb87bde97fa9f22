"""/open311/ outside /open311/v2/ (another version, a typo): the Open311 error format, never the site's
HTML page. config/urls.py includes it after the v2 routes."""

from django.urls import re_path

from .open311 import not_found

urlpatterns = [re_path(r"^(?P<rest>.*)$", not_found, name="open311_not_found")]
