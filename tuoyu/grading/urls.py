"""Grading's routes: pages under /grading/ and the API's grades (mounted under /api/v1/)."""

from django.urls import path

from . import api, views_government, views_institution, views_public

app_name = "grading"

public_urls = [
    path("", views_public.grades, name="public"),
    path("demonstration-units/", views_public.demonstration_units, name="demonstration_units"),
]

institution_urls = [
    path("institution/", views_institution.institution_grades, name="institution_grades"),
    path("institution/<int:pk>/review/", views_institution.review_request, name="review_request"),
]

government_urls = [
    path("assessments/", views_government.assessments, name="assessments"),
    path("assessments/new/", views_government.assessment_new, name="assessment_new"),
    path("assessments/export.xlsx", views_government.grades_xlsx, name="grades_xlsx"),
    path("assessments/<int:pk>/", views_government.assessment, name="assessment"),
    path("assessments/<int:pk>/score/", views_government.score, name="score"),
    path("assessments/<int:pk>/publish/", views_government.publish, name="publish"),
    path("assessments/<int:pk>/review/", views_government.review_decide, name="review_decide"),
    path("demonstrations/", views_government.demonstrations, name="demonstrations"),
    path("demonstrations/new/", views_government.demonstration_new, name="demonstration_new"),
]

urlpatterns = public_urls + institution_urls + government_urls

api_urlpatterns = [
    path("grades/", api.GradeListAPI.as_view(), name="grades"),
    path("grades/<int:pk>/", api.GradeDetailAPI.as_view(), name="grade"),
    path("demonstration-units/", api.DemonstrationUnitListAPI.as_view(), name="demonstration_units"),
]
