"""Health's routes: pages under /health/ and the API's resources (mounted under /api/v1/)."""

app_name = "health"

urlpatterns = [
    # --- records (health staff, guardians, child-health officers) ---
    # --- growth ---
    # --- morning and midday checks (health staff) ---
    # --- outbreak alerts ---
    # --- summaries (officials) ---
]

api_urlpatterns = [
    # --- records ---
    # --- growth ---
    # --- checks ---
    # --- alerts ---
]
