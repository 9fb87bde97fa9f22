from django.urls import path

from . import views

app_name = "institutions"

urlpatterns = [
    path("", views.home, name="home"),
    path("institutions/", views.search, name="search"),
    path("institutions/compare/", views.compare, name="compare"),
    path("institutions/<int:pk>/", views.detail, name="detail"),
    path("institutions/export.xlsx", views.export_register, name="export"),
]
