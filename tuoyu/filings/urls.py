from django.urls import path

from . import views, views_cases, views_public
from .views_legacy import legacy_errors, legacy_import, legacy_template_download
from .views_reports import report_export, report_list, report_new

app_name = "filings"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("mine/", views.my_filings, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/materials/", views.materials, name="materials"),
    path("<int:pk>/materials/<int:material_pk>/", views.material_file, name="material_file"),
    path("<int:pk>/materials/<int:material_pk>/remove/", views.material_remove, name="material_remove"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/versions/<int:version>/", views.version, name="version"),
    path("<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("institution/<int:institution_pk>/change/", views.start_change, name="start_change"),
    path(
        "institution/<int:institution_pk>/deregister/",
        views.start_deregistration,
        name="start_deregistration",
    ),
    path("review/", views.queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("verify/", views_public.verify, name="verify"),
    path("verify/<str:code>/", views_public.verify_code, name="verify_code"),
    path("notices/", views_public.notices, name="notices"),
    path("notices/rss/", views_public.notices_rss, name="notices_rss"),
    path("notices/atom/", views_public.notices_atom, name="notices_atom"),
    path("notices/export.xlsx", views_public.notices_export, name="notices_export"),
    path("cases/", views_cases.case_list, name="cases"),
    path("review/<int:pk>/case/", views_cases.case_open, name="case_open"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case_detail"),
    path("review/import/", legacy_import, name="legacy_import"),
    path("review/import/template.xlsx", legacy_template_download, name="legacy_template"),
    path("review/import/problems.xlsx", legacy_errors, name="legacy_errors"),
    path("reports/", report_list, name="reports"),
    path("reports/new/", report_new, name="report_new"),
    path("reports/export.xlsx", report_export, name="reports_export"),
]
