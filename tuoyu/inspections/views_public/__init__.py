"""Pages by audience; one module per subject."""
