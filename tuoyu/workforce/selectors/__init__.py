"""Workforce reads, and who sees what (object rules), written once here."""
