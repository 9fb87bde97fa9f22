"""Routes of the reviews side of feedback; tuoyu/feedback/urls.py joins them under the "feedback" namespace."""

from django.urls import path

from . import views_reviews as views

urlpatterns: list = [
    path("reviews/", views.reviews_mine, name="reviews_mine"),
    path("reviews/new/<str:basis>/<int:pk>/", views.review_new, name="review_new"),
    path("reviews/moderation/", views.moderation, name="moderation"),
    path("reviews/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("reviews/<int:pk>/reply/", views.review_reply, name="review_reply"),
    path("institutions/<int:pk>/reviews/", views.institution_reviews, name="institution_reviews"),
    path("institution/reviews/", views.institution_review_list, name="institution_review_list"),
    path("complaints/statistics/", views.statistics, name="statistics"),
    path("complaints/statistics/export.xlsx", views.statistics_export, name="statistics_export"),
]
