from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tuoyu.bookings import api as bookings_api
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
    path("children/", bookings_api.ChildListAPI.as_view(), name="children"),
    path("children/<int:pk>/", bookings_api.ChildDetailAPI.as_view(), name="child"),
    path("institutions/<int:pk>/visit-slots/", bookings_api.VisitSlotListAPI.as_view(), name="visit_slots"),
    path("visits/", bookings_api.VisitListAPI.as_view(), name="visits"),
    path("visits/<int:pk>/cancel/", bookings_api.VisitCancelAPI.as_view(), name="visit_cancel"),
    path("applications/", bookings_api.ApplicationListAPI.as_view(), name="applications"),
    path("applications/<int:pk>/", bookings_api.ApplicationDetailAPI.as_view(), name="application"),
    path(
        "applications/<int:pk>/accept/",
        bookings_api.ApplicationAcceptAPI.as_view(),
        name="application_accept",
    ),
    path(
        "applications/<int:pk>/decline/",
        bookings_api.ApplicationDeclineAPI.as_view(),
        name="application_decline",
    ),
    path(
        "applications/<int:pk>/cancel/",
        bookings_api.ApplicationCancelAPI.as_view(),
        name="application_cancel",
    ),
    path(
        "applications/<int:pk>/accept-offer/",
        bookings_api.ApplicationAcceptOfferAPI.as_view(),
        name="application_accept_offer",
    ),
    path("enrolments/", bookings_api.EnrolmentListAPI.as_view(), name="enrolments"),
    path("enrolments/<int:pk>/end/", bookings_api.EnrolmentEndAPI.as_view(), name="enrolment_end"),
    path("statistics/bookings/", bookings_api.BookingStatisticsAPI.as_view(), name="booking_statistics"),
]

urlpatterns = [
    path("", include("tuoyu.institutions.urls")),
    path("", include("tuoyu.core.urls")),
    path("accounts/", include("tuoyu.accounts.urls")),
    path("filings/", include("tuoyu.filings.urls")),
    path("bookings/", include("tuoyu.bookings.urls")),
    path("", include("tuoyu.feedback.urls")),
    path("audit/", include("tuoyu.accounts.urls_audit")),
    path("open311/v2/", include(("tuoyu.feedback.open311", "open311"))),
    path("open311/", include("tuoyu.feedback.urls_open311_fallback")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", PublicSchemaView.as_view(), name="schema"),
    path("api/docs/", PublicDocsView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

# JSON in the API's error shape under /api/, the site's own pages elsewhere (tuoyu/core/api.py).
handler400 = "tuoyu.core.api.bad_request"
handler403 = "tuoyu.core.api.permission_denied"
handler404 = "tuoyu.core.api.page_not_found"
# A database outage is a 503 "try again shortly"; any other error goes on to tuoyu.core.api.server_error.
handler500 = "tuoyu.core.availability.server_error"
