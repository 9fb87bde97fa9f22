"""The regions app has no pages of its own: only its API route."""

from django.urls import path

from . import api

urlpatterns: list = []

# The app's API routes, mounted by config/urls.py under /api/v1/ in the "api" namespace.
api_urlpatterns = [
    path("regions/", api.UnitListAPI.as_view(), name="regions"),
]
