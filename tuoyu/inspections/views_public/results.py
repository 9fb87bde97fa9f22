"""Public results of inspections (一公开)."""
