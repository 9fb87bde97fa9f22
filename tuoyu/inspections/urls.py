"""Supervision's routes: pages under /inspections/ and the API's resources (mounted under /api/v1/)."""

from django.urls import path

from . import api, views_inspector, views_institution
from .views_government import findings, plans
from .views_public import draws, results

app_name = "inspections"

urlpatterns = [
    # --- plans and draws (government) ---
    # --- the public draw pages: the draw, its re-run, the method ---
    # --- the inspector on site ---
    # --- findings and rectification (government) ---
    # --- the institution ---
    # --- public results (一公开) ---
    path("results/", results.result_list, name="results"),
    path("results/<int:pk>/", results.result_detail, name="result"),
]

api_urlpatterns = [
    # --- plans, draws (with verification), inspections, findings, rectifications ---
]
