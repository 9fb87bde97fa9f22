"""Health's routes: pages under /health/ and the API's resources (mounted under /api/v1/)."""

from django.urls import path

from . import api
from .views_family import records as family_record_views
from .views_government import alerts as alert_views
from .views_government import summary as summary_views
from .views_institution import checks as check_views
from .views_institution import growth as growth_views
from .views_institution import records as record_views

app_name = "health"

urlpatterns = [
    # --- records (health staff, guardians, child-health officers) ---
    path("records/", record_views.records, name="records"),
    path("records/<int:pk>/", record_views.record, name="record"),
    path("records/<int:pk>/entry-check/", record_views.entry_check, name="record_entry_check"),
    path("records/<int:pk>/vaccination/", record_views.vaccination, name="record_vaccination"),
    path("records/<int:pk>/details/", record_views.details, name="record_details"),
    path("records/<int:pk>/report/", record_views.report, name="record_report"),
    path("records/<int:pk>/access/", family_record_views.record_access, name="record_access"),
    path("my/", family_record_views.my_records, name="family_records"),
    path("transfers/<int:pk>/consent/", family_record_views.transfer_consent, name="transfer_consent"),
    # --- growth ---
    path("records/<int:pk>/measurements/new/", growth_views.measurement_new, name="measurement_new"),
    # --- morning and midday checks (health staff) ---
    path("checks/", check_views.checks, name="checks"),
    path("checks/<int:class_id>/", check_views.check_sheet, name="check_sheet"),
    # --- outbreak alerts ---
    path("alerts/", alert_views.alerts, name="alerts"),
    path("alerts/<int:pk>/", alert_views.alert, name="alert"),
    path("alerts/<int:pk>/acknowledge/", alert_views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/close/", alert_views.alert_close, name="alert_close"),
    # --- summaries (officials) ---
    path("summary/", summary_views.summary_page, name="summary"),
    path("summary/export.xlsx", summary_views.summary_xlsx, name="summary_xlsx"),
]

api_urlpatterns = [
    # --- records ---
    path("health/records/", api.HealthRecordListAPI.as_view(), name="health-records"),
    path("health/records/<int:pk>/", api.HealthRecordDetailAPI.as_view(), name="health-record"),
    # --- growth ---
    path(
        "health/records/<int:pk>/measurements/",
        api.HealthMeasurementListAPI.as_view(),
        name="health-measurements",
    ),
    # --- checks ---
    path("health/classes/<int:class_id>/checks/", api.ClassChecksAPI.as_view(), name="health-class-checks"),
    # --- alerts ---
    path("health/alerts/", api.AlertListAPI.as_view(), name="health-alerts"),
    path("health/alerts/<int:pk>/", api.AlertDetailAPI.as_view(), name="health-alert"),
    path(
        "health/alerts/<int:pk>/acknowledge/",
        api.AlertAcknowledgeAPI.as_view(),
        name="health-alert-acknowledge",
    ),
    path("health/alerts/<int:pk>/close/", api.AlertCloseAPI.as_view(), name="health-alert-close"),
    # --- summary ---
    path("health/summary/", api.HealthSummaryAPI.as_view(), name="health-summary"),
]
