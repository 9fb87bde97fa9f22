from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tuoyu.core.access import public
from tuoyu.filings import api as filings_api
from tuoyu.institutions.api import InstitutionDetailAPI, InstitutionListAPI
from tuoyu.regions.api import UnitListAPI


class PublicSchemaView(SpectacularAPIView):
    tuoyu_public = True
    permission_classes = []


class PublicDocsView(SpectacularSwaggerSplitView):
    tuoyu_public = True
    permission_classes = []


api_v1 = [
    path("regions/", UnitListAPI.as_view(), name="regions"),
    path("institutions/", InstitutionListAPI.as_view(), name="institutions"),
    path("institutions/<int:pk>/", InstitutionDetailAPI.as_view(), name="institution"),
    path("filings/", filings_api.FilingListAPI.as_view(), name="filings"),
    path("filings/<int:pk>/", filings_api.FilingDetailAPI.as_view(), name="filing"),
    path("filings/<int:pk>/submit/", filings_api.FilingSubmitAPI.as_view(), name="filing_submit"),
    path("filings/<int:pk>/withdraw/", filings_api.FilingWithdrawAPI.as_view(), name="filing_withdraw"),
    path("filings/<int:pk>/approve/", filings_api.FilingApproveAPI.as_view(), name="filing_approve"),
    path("filings/<int:pk>/return/", filings_api.FilingReturnAPI.as_view(), name="filing_return"),
    path(
        "filings/<int:pk>/noncompliant/",
        filings_api.FilingNoncompliantAPI.as_view(),
        name="filing_noncompliant",
    ),
    path("notices/", filings_api.NoticeListAPI.as_view(), name="notices"),
    path("receipts/<str:code>/", filings_api.ReceiptVerifyAPI.as_view(), name="receipt"),
]

urlpatterns = [
    path("", include("tuoyu.institutions.urls")),
    path("", include("tuoyu.core.urls")),
    path("accounts/", include("tuoyu.accounts.urls")),
    path("filings/", include("tuoyu.filings.urls")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", PublicSchemaView.as_view(), name="schema"),
    path("api/docs/", PublicDocsView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]
