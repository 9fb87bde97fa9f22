"""Routes of the handle side of feedback; tuoyu/feedback/urls.py joins them under the "feedback" namespace."""

from django.urls import path

from . import views_handle as views
from . import views_place

urlpatterns: list = [
    path("complaints/queue/", views.queue, name="queue"),
    path("complaints/queue/export.xlsx", views.queue_export, name="queue_export"),
    path("complaints/<int:pk>/", views.handle, name="handle"),
    path("complaints/<int:pk>/photos/<int:photo_pk>/", views.handle_photo, name="handle_photo"),
    # Before the generic action route, which would read "place" as an unknown action.
    path("complaints/<int:pk>/place/", views_place.handle_place, name="handle_place"),
    path("complaints/<int:pk>/<str:action>/", views.handle_action, name="handle_action"),
    path("institution/complaints/", views.institution_complaints, name="institution_complaints"),
    path("institution/complaints/<int:pk>/reply/", views.institution_reply, name="institution_reply"),
]
