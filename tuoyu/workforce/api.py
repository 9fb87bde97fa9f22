"""Workforce's API under /api/v1/: staff and certificates (an operator's own institutions), courses and
attendance. Each view declares `tuoyu_access`; errors follow core.api's one shape."""

# --- staff and certificates ---

# --- courses and attendance ---
