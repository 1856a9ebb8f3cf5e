"""What servers share when PostgreSQL holds the events: the connection settings (the event
library's own `POSTGRES_*` variables, read the way the library reads them) and the shared stores
built on them (accounts and sessions, login-attempt counters)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from eventsourcing.utils import Environment

APP_NAME = "CxTracker"  # the library prefixes per-application variables with CXTRACKER_


def settings(env: Mapping[str, str] | None = None) -> Environment:
    """The library's view of the settings: the process environment overridden by `env`, with the
    application's prefixed names (`CXTRACKER_POSTGRES_HOST`) winning over the plain ones."""
    merged = dict(os.environ)
    merged.update(env or {})
    return Environment(APP_NAME, merged)


def uses_postgres(env: Mapping[str, str] | None = None) -> bool:
    return settings(env).get("PERSISTENCE_MODULE") == "eventsourcing.postgres"


def refuse_unsafe_settings(env: Mapping[str, str] | None = None) -> None:
    """Library settings that break what the product relies on are refused before anything starts.

    `POSTGRES_ENABLE_DB_FUNCTIONS` makes the library insert events through a database function
    that takes no table lock, so positions can commit out of order and a follower that has read
    past a gap never sees the event that fills it."""
    value = (settings(env).get("POSTGRES_ENABLE_DB_FUNCTIONS") or "").strip().lower()
    if value in ("y", "yes", "t", "true", "on", "1"):
        raise ValueError(
            "POSTGRES_ENABLE_DB_FUNCTIONS is set: its inserts take no table lock, so events can "
            "become visible out of order and the views' followers could skip one; unset it"
        )


def conninfo(env: Mapping[str, str] | None = None) -> str:
    """A libpq connection string from the library's POSTGRES_* settings."""
    from psycopg.conninfo import make_conninfo

    s = settings(env)
    parts = {
        "dbname": s.get("POSTGRES_DBNAME"),
        "host": s.get("POSTGRES_HOST"),
        "port": s.get("POSTGRES_PORT"),
        "user": s.get("POSTGRES_USER"),
        "password": s.get("POSTGRES_PASSWORD"),
        "connect_timeout": s.get("POSTGRES_CONNECT_TIMEOUT") or "10",
    }
    return make_conninfo(**{k: v for k, v in parts.items() if v})


def schema(env: Mapping[str, str] | None = None) -> str:
    return (settings(env).get("POSTGRES_SCHEMA") or "").strip() or "public"
