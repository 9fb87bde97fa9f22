"""Plans and draws: the departments' pages."""
