"""Every write of supervision, one module per subject; re-exported here."""
