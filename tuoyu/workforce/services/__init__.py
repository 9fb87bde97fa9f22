"""Every write of workforce, one module per subject; the public names are re-exported here."""

# --- staff and certificates (services/staff.py) ---
# --- the rules as data and the reminders (services/rules.py, services/reminders.py) ---
# --- training (services/training.py) ---
# --- the expert pool (services/experts.py) ---
