"""PostgreSQL for the tests: a fresh schema per test in the database that `CX_TEST_POSTGRES`
names (a libpq connection string, e.g. "host=127.0.0.1 port=5432 dbname=cx user=cx password=cx";
`.ci/run` starts a cluster and sets it).

Without it the PostgreSQL cases are skipped with a visible reason; with `CI=true` a missing
PostgreSQL fails them instead, so CI cannot pass without having run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

DSN_ENV = "CX_TEST_POSTGRES"


def dsn() -> str:
    """The test database's connection string, or skip (fail under CI) when there is none."""
    value = os.environ.get(DSN_ENV, "")
    reason = None
    if not value:
        reason = f"PostgreSQL case: set {DSN_ENV} to a libpq connection string (.ci/run does)"
    else:
        try:
            import psycopg

            psycopg.connect(value, connect_timeout=5).close()
        except Exception as e:  # no driver, no server, bad credentials: all mean "not here"
            reason = f"PostgreSQL case: cannot connect with {DSN_ENV} ({e})"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true, so it may not be skipped", pytrace=False)
        pytest.skip(reason)
    return value


def library_env(conninfo: str, schema: str) -> dict[str, str]:
    """The event library's settings for this database and schema."""
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(conninfo)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(parts.get("dbname", "")),
        "POSTGRES_HOST": str(parts.get("host", "127.0.0.1")),
        "POSTGRES_PORT": str(parts.get("port", "5432")),
        "POSTGRES_USER": str(parts.get("user", "")),
        "POSTGRES_PASSWORD": str(parts.get("password", "")),
        "POSTGRES_SCHEMA": schema,
    }


@contextmanager
def fresh_schema() -> Iterator[dict[str, str]]:
    """A new, empty schema for one test (dropped after it): the library's settings for it."""
    import psycopg

    conninfo = dsn()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield library_env(conninfo, schema)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
