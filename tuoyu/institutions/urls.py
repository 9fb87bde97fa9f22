from django.urls import path

from . import api, views_government, views_institution, views_public

app_name = "institutions"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("institutions/", views_public.search, name="search"),
    path("institutions/compare/", views_public.compare, name="compare"),
    path("institutions/<int:pk>/", views_public.detail, name="detail"),
    path("institutions/export.xlsx", views_government.export_register, name="export"),
    path("institutions/<int:pk>/photos/<int:photo_pk>/", views_public.photo, name="photo"),
    path("institutions/<int:pk>/photos/manage/", views_institution.manage_photos, name="photos"),
    path(
        "institutions/<int:pk>/photos/<int:photo_pk>/remove/",
        views_institution.remove_photo,
        name="remove_photo",
    ),
]

# The app's API routes, mounted by config/urls.py under /api/v1/ in the "api" namespace.
api_urlpatterns = [
    path("institutions/", api.InstitutionListAPI.as_view(), name="institutions"),
    path("institutions/<int:pk>/", api.InstitutionDetailAPI.as_view(), name="institution"),
]
