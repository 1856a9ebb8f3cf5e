"""A PostgreSQL connection behind the small part of the sqlite3 API the stores use, so a store's
SQL (portable SQL with `?` placeholders) runs unchanged on PostgreSQL.

A long-lived store (accounts, tokens, the integrity ledger) holds a pool of one connection
(`psycopg_pool`): each with-block borrows it, and the pool checks it first, replacing a
connection the server dropped (a restart, a terminated backend, a network cut) by a new one. A
statement running at the very moment of the drop fails, as it must; the next block works."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from tracker import postgres

_UPSERT_TABLE = re.compile(r"INSERT INTO (\w+)", re.IGNORECASE)
_BARE_INCREMENT = re.compile(r"=\s*(\w+)\s*([+-])")


def translate(statement: str) -> str:
    """`?` placeholders become `%s`; in an upsert's DO UPDATE SET, a bare `col = col + 1` (fine
    in SQLite, ambiguous in PostgreSQL) names its table."""
    statement = statement.replace("%", "%%").replace("?", "%s")
    head, sep, tail = statement.partition("DO UPDATE SET")
    table = _UPSERT_TABLE.search(head)
    if sep and table:
        name = table.group(1)
        tail = _BARE_INCREMENT.sub(lambda m: f"= {name}.{m.group(1)} {m.group(2)}", tail)
    return head + sep + tail


class Connection:
    """Commits when its with-block succeeds and rolls back when it fails, like sqlite3's.

    Statements run inside a with-block (the stores' `_tx`), one block at a time (the stores hold
    their own lock); the connection is borrowed from the pool for the block. `pooled=False` makes
    one plain connection for a single short use (closed with `close`)."""

    def __init__(self, env: Mapping[str, str] | None = None, *, pooled: bool = True) -> None:
        self._schema = postgres.schema(env)
        self._pool: ConnectionPool[psycopg.Connection[Any]] | None = None
        self._held: psycopg.Connection[Any] | None = None
        if pooled:
            timeout = float(postgres.settings(env).get("POSTGRES_CONNECT_TIMEOUT") or "10")
            self._pool = ConnectionPool(
                postgres.conninfo(env), min_size=1, max_size=1, open=False, timeout=timeout,
                kwargs={"autocommit": False}, configure=self._configure,
                check=ConnectionPool.check_connection, name="cx-tracker")
            self._pool.open(wait=True, timeout=timeout)  # a clear error now, not at first use
        else:
            self._held = psycopg.connect(postgres.conninfo(env), autocommit=False)
            self._configure(self._held)
        self._depth = 0

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self._schema)))
        conn.commit()

    @property
    def connection(self) -> psycopg.Connection[Any]:
        if self._held is None:
            raise RuntimeError("a pooled connection is used inside its with-block only")
        return self._held

    def execute(self, statement: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self.connection.execute(translate(statement), params)

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(translate(statement), rows)

    def executescript(self, script: str) -> None:
        self.connection.execute(script)

    def __enter__(self) -> Connection:
        if self._pool is not None and self._depth == 0:
            self._held = self._pool.getconn()  # checked first: a dropped one is replaced
        self._depth += 1
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._depth -= 1
        if self._depth:
            return
        conn = self.connection
        try:
            if kind is None:
                conn.commit()
            elif not conn.broken and not conn.closed:
                conn.rollback()
        finally:
            if self._pool is not None:
                self._held = None
                self._pool.putconn(conn)  # a broken connection is discarded and replaced

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        elif self._held is not None:
            self._held.close()
