"""The health API (/api/v1/health/): records (guardians, the keeping institution's health staff, the
child-health officers), growth measurements, a class's checks, alerts. Same services as the pages."""

# --- records ---
# --- growth ---
# --- checks ---
# --- alerts ---
