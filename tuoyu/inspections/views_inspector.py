"""The inspector on site: their inspections and the checklist on a phone."""
