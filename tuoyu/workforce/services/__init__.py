"""Every write of workforce, one module per subject; the public names are re-exported here."""
