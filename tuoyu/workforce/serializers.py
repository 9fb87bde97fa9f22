"""Workforce's API shapes. An ID number is only ever `masked_id_number`."""

# --- staff and certificates ---

# --- courses and attendance ---
