from django.urls import path

from . import views_family, views_government, views_institution

app_name = "bookings"

urlpatterns = [
    # Families
    path("me/", views_family.family_home, name="me"),
    path("institutions/<int:pk>/", views_family.institution_page, name="institution"),
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
