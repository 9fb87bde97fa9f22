"""The page routes of feedback under the "feedback" namespace, by audience. Open311 has its own package
(open311/urls.py) and config/urls.py includes it under /open311/v2/."""

from django.urls import path

from . import views_family, views_government, views_institution, views_public

app_name = "feedback"

public_urls = [
    path("complaints/new/", views_public.report, name="report"),
    path("complaints/new/place/", views_public.report_place, name="report_place"),
    path("complaints/done/", views_public.report_done, name="report_done"),
    path("complaints/track/", views_public.track, name="track"),
    path("complaints/track/<str:number>/", views_public.track_detail, name="track_detail"),
    path("complaints/track/<str:number>/add/", views_public.track_add, name="track_add"),
    path("complaints/track/<str:number>/rate/", views_public.track_rate, name="track_rate"),
    path("complaints/track/<str:number>/photos/<int:pk>/", views_public.track_photo, name="track_photo"),
    path("institutions/<int:pk>/reviews/", views_public.institution_reviews, name="institution_reviews"),
    path("complaints/statistics/", views_public.statistics, name="statistics"),
    path("complaints/statistics/export.xlsx", views_public.statistics_export, name="statistics_export"),
]

family_urls = [
    path("reviews/", views_family.reviews_mine, name="reviews_mine"),
    path("reviews/new/<str:basis>/<int:pk>/", views_family.review_new, name="review_new"),
]

institution_urls = [
    path("institution/complaints/", views_institution.institution_complaints, name="institution_complaints"),
    path(
        "institution/complaints/<int:pk>/reply/",
        views_institution.institution_reply,
        name="institution_reply",
    ),
    path("reviews/<int:pk>/reply/", views_institution.review_reply, name="review_reply"),
    path("institution/reviews/", views_institution.institution_review_list, name="institution_review_list"),
]

government_urls = [
    path("complaints/queue/", views_government.queue, name="queue"),
    path("complaints/queue/export.xlsx", views_government.queue_export, name="queue_export"),
    path("complaints/<int:pk>/", views_government.handle, name="handle"),
    path("complaints/<int:pk>/photos/<int:photo_pk>/", views_government.handle_photo, name="handle_photo"),
    # Before the generic action route, which would read "place" as an unknown action.
    path("complaints/<int:pk>/place/", views_government.handle_place, name="handle_place"),
    path("complaints/<int:pk>/<str:action>/", views_government.handle_action, name="handle_action"),
    path("reviews/moderation/", views_government.moderation, name="moderation"),
    path("reviews/<int:pk>/moderate/", views_government.moderate, name="moderate"),
]

urlpatterns = public_urls + family_urls + institution_urls + government_urls
