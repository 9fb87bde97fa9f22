"""The institution's pages: its inspections, findings and rectification evidence."""
