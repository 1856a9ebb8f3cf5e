"""One psycopg connection behind the small part of the sqlite3 API the stores use, so a store's
SQL (portable SQL with `?` placeholders) runs unchanged on PostgreSQL."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

import psycopg
from psycopg import sql

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
    """Commits when its with-block succeeds and rolls back when it fails, like sqlite3's."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._conn = psycopg.connect(postgres.conninfo(env), autocommit=False)
        self._conn.execute(sql.SQL("SET search_path TO {}").format(
            sql.Identifier(postgres.schema(env))))
        self._conn.commit()
        self.lock = threading.Lock()

    def execute(self, statement: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self._conn.execute(translate(statement), params)

    def executescript(self, script: str) -> None:
        self._conn.execute(script)

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self._conn.commit()
        else:
            self._conn.rollback()

    def close(self) -> None:
        self._conn.close()
