"""`make run`: the embedded SQLite database under var/ and the synthetic demo data."""

from .base import *  # noqa: F403

DEBUG = True
