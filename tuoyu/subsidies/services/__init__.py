"""The subsidies' services: every write goes through one of these (locks, events, audit)."""
