"""Subsidies' routes: pages under /subsidies/ and the API's resources (mounted under /api/v1/)."""

# Each section imports its views where it starts (hoisted to the top once the sections are built).
from django.urls import path

from . import api as period_api  # rules and periods
from .views_government import periods as period_views  # rules and periods

app_name = "subsidies"

urlpatterns = [
    # --- rules and periods (the commission): propose a period ---
    path("periods/", period_views.periods, name="periods"),
    path("periods/<int:pk>/", period_views.period, name="period"),
    path("periods/<int:pk>/propose/", period_views.period_propose_view, name="period_propose"),
    path("periods/<int:pk>/export.xlsx", period_views.period_xlsx, name="period_xlsx"),
    path("rules/", period_views.rules_page, name="rules"),
    # --- entitlements: the explanation, confirm / dispute / review / approve / pay, notice PDF ---
    # --- what-if, dashboard, budget, public list, §13 lists, subsidy profiles ---
]

api_urlpatterns = [
    # --- rules and periods ---
    path("subsidies/rules/", period_api.SubsidyRulesAPI.as_view(), name="subsidies-rules"),
    path("subsidies/periods/", period_api.SubsidyPeriodListAPI.as_view(), name="subsidies-periods"),
    path("subsidies/periods/<int:pk>/", period_api.SubsidyPeriodDetailAPI.as_view(), name="subsidies-period"),
    path(
        "subsidies/periods/<int:pk>/propose/",
        period_api.SubsidyPeriodProposeAPI.as_view(),
        name="subsidies-period-propose",
    ),
    # --- entitlements, approvals and payments ---
    # --- budget, summary and §13 lists ---
]
