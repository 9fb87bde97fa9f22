"""Routes of the public side of feedback; tuoyu/feedback/urls.py joins them under the "feedback" namespace."""

from django.urls import path

from . import views_public as views

urlpatterns: list = [
    path("complaints/new/", views.report, name="report"),
    path("complaints/done/", views.report_done, name="report_done"),
    path("complaints/track/", views.track, name="track"),
    path("complaints/track/<str:number>/", views.track_detail, name="track_detail"),
    path("complaints/track/<str:number>/add/", views.track_add, name="track_add"),
    path("complaints/track/<str:number>/rate/", views.track_rate, name="track_rate"),
    path("complaints/track/<str:number>/photos/<int:pk>/", views.track_photo, name="track_photo"),
]
