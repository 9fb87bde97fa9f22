"""The health app's rules, pure functions over plain values with the day passed in, so pages, services,
the summaries and the indicator agree and the tests state the boundaries.

- record completeness (电子健康档案 complete: what indicator 8 counts)
- the outbreak rule (N children with the same symptom in one class within D consecutive days)
"""

# --- record completeness ---

# --- outbreak ---
