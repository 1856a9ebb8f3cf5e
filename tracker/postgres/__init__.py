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


EVENTS_TABLE = "cxtracker_events"  # the library's table for the application named CxTracker


def store_is_empty(env: Mapping[str, str] | None = None) -> bool:
    """Whether the shared event store holds no event yet (or has no table yet)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(conninfo(env)) as conn:
        table = f"{schema(env)}.{EVENTS_TABLE}"
        row = conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()
        if row is None or row[0] is None:
            return True
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {}.{})").format(
            sql.Identifier(schema(env)), sql.Identifier(EVENTS_TABLE))
        found = conn.execute(query).fetchone()
        return not (found and found[0])


def describe(env: Mapping[str, str] | None = None) -> str:
    s = settings(env)
    return (f"the PostgreSQL event store {s.get('POSTGRES_DBNAME') or '?'} on "
            f"{s.get('POSTGRES_HOST') or 'localhost'}:{s.get('POSTGRES_PORT') or '5432'}"
            f" (schema {schema(env)})")


def shared_secret_key(env: Mapping[str, str] | None = None) -> str:
    """The web's session-signing key, made once per installation and kept in the shared database
    (readable by whoever can read the events), so every server signs and accepts the same
    cookies. `CX_TRACKER_SECRET_KEY` still wins when it is set."""
    import secrets

    import psycopg
    from psycopg import sql

    with psycopg.connect(conninfo(env)) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema(env))))
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('cx-tracker settings'))")
        conn.execute("CREATE TABLE IF NOT EXISTS shared_settings"
                     " (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO shared_settings VALUES ('secret_key', %s)"
                     " ON CONFLICT (name) DO NOTHING", (secrets.token_hex(32),))
        row = conn.execute("SELECT value FROM shared_settings WHERE name = 'secret_key'").fetchone()
    assert row is not None
    return str(row[0])
