from django.urls import path

from . import api, views_family, views_government, views_institution

app_name = "bookings"

urlpatterns = [
    # Families
    path("me/", views_family.family_home, name="me"),
    path("children/new/", views_family.child_add, name="child_add"),
    path("institutions/<int:pk>/", views_family.institution_page, name="institution"),
    path("institutions/<int:pk>/visits/<int:slot_pk>/", views_family.visit_confirm, name="visit_confirm"),
    path("visits/<int:pk>/cancel/", views_family.visit_cancel, name="visit_cancel"),
    path("applications/<int:pk>/cancel/", views_family.application_cancel, name="application_cancel"),
    path("applications/<int:pk>/accept-offer/", views_family.offer_accept, name="offer_accept"),
    # Institutions
    path("manage/", views_institution.manage_pick, name="manage_pick"),
    path("manage/<int:pk>/", views_institution.manage, name="manage"),
    path("manage/<int:pk>/offer-next/", views_institution.offer_next, name="offer_next"),
    path("manage/applications/<int:pk>/accept/", views_institution.application_accept, name="accept"),
    path("manage/applications/<int:pk>/decline/", views_institution.application_decline, name="decline"),
    path("manage/visits/<int:pk>/", views_institution.visit_outcome, name="visit_outcome"),
    path("manage/enrolments/<int:pk>/end/", views_institution.enrolment_end, name="enrolment_end"),
    # Government
    path("statistics/", views_government.statistics, name="statistics"),
]

# The app's API routes, mounted by config/urls.py under /api/v1/ in the "api" namespace.
api_urlpatterns = [
    path("children/", api.ChildListAPI.as_view(), name="children"),
    path("children/<int:pk>/", api.ChildDetailAPI.as_view(), name="child"),
    path("institutions/<int:pk>/visit-slots/", api.VisitSlotListAPI.as_view(), name="visit_slots"),
    path("visits/", api.VisitListAPI.as_view(), name="visits"),
    path("visits/<int:pk>/cancel/", api.VisitCancelAPI.as_view(), name="visit_cancel"),
    path("applications/", api.ApplicationListAPI.as_view(), name="applications"),
    path("applications/<int:pk>/", api.ApplicationDetailAPI.as_view(), name="application"),
    path(
        "applications/<int:pk>/accept/",
        api.ApplicationAcceptAPI.as_view(),
        name="application_accept",
    ),
    path(
        "applications/<int:pk>/decline/",
        api.ApplicationDeclineAPI.as_view(),
        name="application_decline",
    ),
    path(
        "applications/<int:pk>/cancel/",
        api.ApplicationCancelAPI.as_view(),
        name="application_cancel",
    ),
    path(
        "applications/<int:pk>/accept-offer/",
        api.ApplicationAcceptOfferAPI.as_view(),
        name="application_accept_offer",
    ),
    path("enrolments/", api.EnrolmentListAPI.as_view(), name="enrolments"),
    path("enrolments/<int:pk>/end/", api.EnrolmentEndAPI.as_view(), name="enrolment_end"),
    path("statistics/bookings/", api.BookingStatisticsAPI.as_view(), name="booking_statistics"),
]
