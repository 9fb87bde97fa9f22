from django.urls import path

from . import views_audit

app_name = "audit"

urlpatterns = [
    path("access/", views_audit.access_log, name="access_log"),
    path("access/export/", views_audit.access_log_export, name="access_log_export"),
]
