"""The subsidies API's shapes. Money is a string with two decimals (DecimalField(coerce_to_string)),
never a float."""

# --- rules and periods ---

# --- entitlements, approvals and payments ---

# --- budget, summary and §13 lists ---
