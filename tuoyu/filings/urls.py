from django.urls import path

from . import api, views_government, views_institution, views_public

app_name = "filings"

# One URL module; the views live in one module per audience (institution, government, public).
urlpatterns = [
    path("register/", views_institution.register, name="register"),
    path("mine/", views_institution.my_filings, name="mine"),
    path("<int:pk>/", views_institution.detail, name="detail"),
    path("<int:pk>/edit/", views_institution.edit, name="edit"),
    path("<int:pk>/materials/", views_institution.materials, name="materials"),
    path("<int:pk>/materials/<int:material_pk>/", views_institution.material_file, name="material_file"),
    path(
        "<int:pk>/materials/<int:material_pk>/remove/",
        views_institution.material_remove,
        name="material_remove",
    ),
    path("<int:pk>/withdraw/", views_institution.withdraw, name="withdraw"),
    path("<int:pk>/versions/<int:version>/", views_institution.version, name="version"),
    path("<int:pk>/receipt.pdf", views_institution.receipt, name="receipt"),
    path("institution/<int:institution_pk>/change/", views_institution.start_change, name="start_change"),
    path(
        "institution/<int:institution_pk>/deregister/",
        views_institution.start_deregistration,
        name="start_deregistration",
    ),
    path("review/", views_government.queue, name="queue"),
    path("review/<int:pk>/", views_government.review, name="review"),
    path("verify/", views_public.verify, name="verify"),
    path("verify/<str:code>/", views_public.verify_code, name="verify_code"),
    path("notices/", views_public.notices, name="notices"),
    path("notices/rss/", views_public.notices_rss, name="notices_rss"),
    path("notices/atom/", views_public.notices_atom, name="notices_atom"),
    path("notices/export.xlsx", views_public.notices_export, name="notices_export"),
    path("cases/", views_government.case_list, name="cases"),
    path("review/<int:pk>/case/", views_government.case_open, name="case_open"),
    path("cases/<int:pk>/", views_government.case_detail, name="case_detail"),
    path("review/import/", views_government.legacy_import, name="legacy_import"),
    path("review/import/template.xlsx", views_government.legacy_template_download, name="legacy_template"),
    path("review/import/problems.xlsx", views_government.legacy_errors, name="legacy_errors"),
    path("reports/", views_government.report_list, name="reports"),
    path("reports/new/", views_institution.report_new, name="report_new"),
    path("reports/export.xlsx", views_government.report_export, name="reports_export"),
]

# The app's API routes, mounted by config/urls.py under /api/v1/ in the "api" namespace.
api_urlpatterns = [
    path("filings/", api.FilingListAPI.as_view(), name="filings"),
    path("filings/<int:pk>/", api.FilingDetailAPI.as_view(), name="filing"),
    path("filings/<int:pk>/submit/", api.FilingSubmitAPI.as_view(), name="filing_submit"),
    path("filings/<int:pk>/withdraw/", api.FilingWithdrawAPI.as_view(), name="filing_withdraw"),
    path("filings/<int:pk>/approve/", api.FilingApproveAPI.as_view(), name="filing_approve"),
    path("filings/<int:pk>/return/", api.FilingReturnAPI.as_view(), name="filing_return"),
    path(
        "filings/<int:pk>/noncompliant/",
        api.FilingNoncompliantAPI.as_view(),
        name="filing_noncompliant",
    ),
    path("notices/", api.NoticeListAPI.as_view(), name="notices"),
    path("receipts/<str:code>/", api.ReceiptVerifyAPI.as_view(), name="receipt"),
]
