"""Workforce's routes: pages under /workforce/ and the API's resources (mounted under /api/v1/).

Each audience's pages are a package with one module per subject (views_institution/staff.py …)."""

app_name = "workforce"

urlpatterns = [
    # --- the institution's staff and certificates (operator) ---
    # --- the institution's training (operator) ---
    # --- officials: rates, ratios, flags, Excel ---
    # --- the district's courses (commission, guidance centre) ---
    # --- the expert pool (commission) ---
]

api_urlpatterns = [
    # --- staff and certificates ---
    # --- courses and attendance ---
    # --- experts ---
]
