"""The subsidies API (/api/v1/subsidies/): rules, periods, entitlements with their lines, approvals and
payments, the budget and summary. Same services and object rules as the pages."""

# --- rules and periods ---

# --- entitlements, approvals and payments ---

# --- budget, summary and §13 lists ---
