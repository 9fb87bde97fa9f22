"""Serializers of the health API: what each answer holds. A record's child appears with the masked ID
number only; an alert's cases outside the institution carry no names."""

# --- records ---
# --- growth ---
# --- checks ---
# --- alerts ---
