"""The API: plans, draws (with verification), inspections, findings and rectifications."""
