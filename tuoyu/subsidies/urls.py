"""Subsidies' routes: pages under /subsidies/ and the API's resources (mounted under /api/v1/)."""

# Each section imports its views where it starts (hoisted to the top once the sections are built).
app_name = "subsidies"

urlpatterns = [
    # --- rules and periods (the commission): propose a period ---
    # --- entitlements: the explanation, confirm / dispute / review / approve / pay, notice PDF ---
    # --- what-if, dashboard, budget, public list, §13 lists, subsidy profiles ---
]

api_urlpatterns = [
    # --- rules and periods ---
    # --- entitlements, approvals and payments ---
    # --- budget, summary and §13 lists ---
]
