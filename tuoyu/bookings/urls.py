from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    # Families
    path("me/", views.family_home, name="me"),
    path("institutions/<int:pk>/", views.institution_page, name="institution"),
    path("visits/<int:pk>/cancel/", views.visit_cancel, name="visit_cancel"),
    path("applications/<int:pk>/cancel/", views.application_cancel, name="application_cancel"),
    path("applications/<int:pk>/accept-offer/", views.offer_accept, name="offer_accept"),
    # Institutions
    path("manage/", views.manage_pick, name="manage_pick"),
    path("manage/<int:pk>/", views.manage, name="manage"),
    path("manage/<int:pk>/offer-next/", views.offer_next, name="offer_next"),
    path("manage/applications/<int:pk>/accept/", views.application_accept, name="accept"),
    path("manage/applications/<int:pk>/decline/", views.application_decline, name="decline"),
    path("manage/visits/<int:pk>/", views.visit_outcome, name="visit_outcome"),
    path("manage/enrolments/<int:pk>/end/", views.enrolment_end, name="enrolment_end"),
    # Government
    path("statistics/", views.statistics, name="statistics"),
]
