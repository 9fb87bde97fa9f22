"""Grading's routes: pages under /grading/ and the API's grades (mounted under /api/v1/)."""

app_name = "grading"

urlpatterns = []

api_urlpatterns = []
