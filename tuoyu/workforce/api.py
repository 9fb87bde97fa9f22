"""Workforce API views (being built)."""
