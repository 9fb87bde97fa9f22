"""Public pages of the draw: the draw as published, its re-run by anyone, and the method."""
