from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("", views.home, name="home"),
    path("institutions/", views.search, name="search"),
    path("institutions/compare/", views.compare, name="compare"),
    path("institutions/<int:pk>/", views.detail, name="detail"),
    path("institutions/export.xlsx", views.export_register, name="export"),
    path("institutions/<int:pk>/photos/<int:photo_pk>/", views.photo, name="photo"),
    path("institutions/<int:pk>/photos/manage/", views.manage_photos, name="photos"),
    path("institutions/<int:pk>/photos/<int:photo_pk>/remove/", views.remove_photo, name="remove_photo"),
]
