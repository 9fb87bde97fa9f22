from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tuoyu.bookings import urls as bookings_urls
from tuoyu.core.access import public, public_access
from tuoyu.filings import urls as filings_urls
from tuoyu.grading import urls as grading_urls
from tuoyu.health import urls as health_urls
from tuoyu.inspections import urls as inspections_urls
from tuoyu.institutions import urls as institutions_urls
from tuoyu.regions import urls as regions_urls
from tuoyu.subsidies import urls as subsidies_urls
from tuoyu.workforce import urls as workforce_urls


class PublicSchemaView(SpectacularAPIView):
    tuoyu_access = public_access()
    permission_classes = []


class PublicDocsView(SpectacularSwaggerSplitView):
    tuoyu_access = public_access()
    permission_classes = []


class FaviconView(RedirectView):
    """Browsers, bookmarks and feed readers ask for /favicon.ico whatever the page links; it is a static
    file, named at request time so the hashed name of the production build is the one sent."""

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


# Each app lists its own API routes (`api_urlpatterns` in its urls.py); they share /api/v1/ and the
# "api" namespace.
api_v1 = [
    *regions_urls.api_urlpatterns,
    *institutions_urls.api_urlpatterns,
    *filings_urls.api_urlpatterns,
    *bookings_urls.api_urlpatterns,
    *inspections_urls.api_urlpatterns,
    *grading_urls.api_urlpatterns,
    *workforce_urls.api_urlpatterns,
    *health_urls.api_urlpatterns,
    *subsidies_urls.api_urlpatterns,
]

urlpatterns = [
    path("", include("tuoyu.institutions.urls")),
    path("", include("tuoyu.core.urls")),
    path("accounts/", include("tuoyu.accounts.urls")),
    path("filings/", include("tuoyu.filings.urls")),
    path("bookings/", include("tuoyu.bookings.urls")),
    path("", include("tuoyu.feedback.urls")),
    path("inspections/", include("tuoyu.inspections.urls")),
    path("grading/", include("tuoyu.grading.urls")),
    path("workforce/", include("tuoyu.workforce.urls")),
    path("health/", include("tuoyu.health.urls")),
    path("subsidies/", include("tuoyu.subsidies.urls")),
    path("", include("tuoyu.workspace.urls")),
    path("audit/", include("tuoyu.accounts.urls_audit")),
    path("open311/v2/", include(("tuoyu.feedback.open311.urls", "open311"))),
    path("open311/", include("tuoyu.feedback.urls_open311_fallback")),
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("favicon.ico", public(FaviconView.as_view()), name="favicon"),
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
