"""Findings and their rectification: the officials' and inspectors' pages."""
