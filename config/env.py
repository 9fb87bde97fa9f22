"""Environment parsing shared by every settings module (12-factor: config lives in the environment)."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_env(default_sqlite: Path) -> dict:
    """DATABASE_URL decides the engine; with none we use the embedded SQLite file under var/."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    config = dj_database_url.parse(url)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # psycopg 3's pool via Django's OPTIONS["pool"]; CONN_MAX_AGE must stay 0 with it.
        config["CONN_MAX_AGE"] = 0
        options = config.setdefault("OPTIONS", {})
        # Fail fast when the database is down or every connection is busy: a request waits at most
        # DB_POOL_TIMEOUT seconds for a connection (psycopg_pool's default is 30, and retries made it
        # minutes), then answers 503 (tuoyu/core/availability.py) instead of holding the worker.
        options["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DB_POOL_MAX", "8")),
            "timeout": float(os.environ.get("DB_POOL_TIMEOUT", "5")),
        }
        options.setdefault("connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "3")))
    else:
        # A busy timeout keeps concurrent dev-server requests from failing with "database is locked".
        config.setdefault("OPTIONS", {})["timeout"] = 20
    return config


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))
