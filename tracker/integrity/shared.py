"""Seals and the integrity ledger in the shared PostgreSQL database, when it holds the events.

Every server of the installation then seals into, and verifies against, the same two tables of
the events' schema: `seals` (the seals, in the order they were made) and `sealed_events` (the
ledger: each sealed event's position, identity and digest). Both are append-only: a trigger
refuses any UPDATE, DELETE or TRUNCATE (a database owner can still drop the trigger: the seals
kept outside the system remain the real protection, as with the files).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from tracker.integrity.ledger import Entry, EntryRow, Ledger, BATCH
from tracker.integrity.seals import Seal
from tracker.postgres.connection import Connection

SEALS_TABLE, LEDGER_TABLE = "seals", "sealed_events"
_TABLES = f"""
CREATE TABLE IF NOT EXISTS {LEDGER_TABLE} (
    position BIGINT PRIMARY KEY,
    originator_id TEXT NOT NULL,
    originator_version BIGINT NOT NULL,
    digest BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS {SEALS_TABLE} (
    number BIGSERIAL PRIMARY KEY,
    position BIGINT NOT NULL,
    events BIGINT NOT NULL,
    chain TEXT NOT NULL,
    sealed_at TEXT NOT NULL
);
CREATE OR REPLACE FUNCTION cx_tracker_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: its rows are never changed or removed', TG_TABLE_NAME;
END $$;
"""
_TRIGGER = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '{table}_append_only'
                   AND tgrelid = '{table}'::regclass) THEN
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION cx_tracker_append_only();
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION cx_tracker_append_only();
    END IF;
END $$;
"""


def _create_tables(db: Connection) -> None:
    # Several servers may seal at once the first time: one creates the tables, the others wait.
    db.execute("SELECT pg_advisory_xact_lock(hashtext('cx-tracker integrity schema'))")
    db.executescript(_TABLES)
    for table in (LEDGER_TABLE, SEALS_TABLE):
        db.executescript(_TRIGGER.format(table=table))


def _exists(db: Connection, table: str) -> bool:
    row = db.execute("SELECT to_regclass(?)", (table,)).fetchone()
    return row is not None and row[0] is not None


class SharedLedger(Ledger):
    """The ledger's table in the shared database, behind `Ledger`'s interface."""

    def __init__(self, env: Mapping[str, str] | None = None, *, create: bool = False) -> None:
        self.path = None  # type: ignore[assignment]
        self.conn = Connection(env, pooled=False)
        if create:
            with self.conn as db:
                _create_tables(db)

    @classmethod
    def open_shared(cls, env: Mapping[str, str] | None = None) -> SharedLedger | None:
        """The shared ledger, or None when no seal was ever recorded in it."""
        ledger = cls(env)
        with ledger.conn as db:
            found = _exists(db, LEDGER_TABLE)
        if not found:
            ledger.close()
            return None
        return ledger

    def close(self) -> None:
        self.conn.close()

    def last_position(self) -> int:
        row = self.conn.execute(f"SELECT max(position) FROM {LEDGER_TABLE}").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def entries(self, until: int | None = None, batch: int = BATCH) -> Iterator[EntryRow]:
        after, until = 0, self.last_position() if until is None else until
        while True:
            rows = self.conn.execute(
                "SELECT position, originator_id, originator_version, digest"
                f" FROM {LEDGER_TABLE} WHERE position > ? AND position <= ?"
                " ORDER BY position LIMIT ?", (after, until, batch),
            ).fetchall()
            if not rows:
                return
            yield from ((int(p), str(o), int(v), bytes(d)) for p, o, v, d in rows)
            after = int(rows[-1][0])

    @contextmanager
    def recording(self) -> Iterator[None]:
        """One transaction; an advisory lock makes two servers' seals wait for each other."""
        with self.conn as db:
            db.execute("SELECT pg_advisory_xact_lock(hashtext('cx-tracker sealing'))")
            yield

    def add(self, entries: Sequence[Entry]) -> None:
        """COPY, not INSERTs: a first seal records every event of the log."""
        if entries:
            with self.conn.connection.cursor() as cursor, cursor.copy(
                    f"COPY {LEDGER_TABLE} (position, originator_id, originator_version, digest)"
                    " FROM STDIN") as copy:
                for entry in entries:
                    copy.write_row(entry)


class SharedSeals:
    """The seals' table in the shared database (what `seals.jsonl` is beside a SQLite store)."""

    name = f"the shared table {SEALS_TABLE}"

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = env

    def read(self) -> list[Seal]:
        conn = Connection(self.env, pooled=False)
        try:
            with conn as db:
                if not _exists(db, SEALS_TABLE):
                    return []
                rows = db.execute(f"SELECT position, events, chain, sealed_at FROM {SEALS_TABLE}"
                                  " ORDER BY number").fetchall()
        finally:
            conn.close()
        return [Seal(int(p), int(e), str(c), str(s)) for p, e, c, s in rows]

    def exists(self) -> bool:
        return bool(self.read())

    def append_new(self, seal: Seal) -> bool:
        """Append the seal unless the last one already seals the same events; True if appended."""
        conn = Connection(self.env, pooled=False)
        try:
            with conn as db:
                _create_tables(db)
                db.execute("LOCK TABLE seals IN SHARE ROW EXCLUSIVE MODE")
                last = db.execute(f"SELECT position, events, chain FROM {SEALS_TABLE}"
                                  " ORDER BY number DESC LIMIT 1").fetchone()
                if last is not None and tuple(last) == (seal.position, seal.events, seal.chain):
                    return False
                db.execute(f"INSERT INTO {SEALS_TABLE} (position, events, chain, sealed_at)"
                           " VALUES (?, ?, ?, ?)",
                           (seal.position, seal.events, seal.chain, seal.sealed_at))
                return True
        finally:
            conn.close()
