"""Where an installation keeps its data, and how its stores are opened.

The data directory comes from `--data`, else `CX_TRACKER_DATA`, else `./cx-tracker-data`. It holds
the event store (`events.sqlite3`), the accounts store (`accounts.sqlite3`) and the disposable read
models (`views.sqlite3`). The event library's own variables (`PERSISTENCE_MODULE`, `POSTGRES_*`,
`SQLITE_DBNAME`, ...) still apply when set in the environment, so PostgreSQL can be switched on
without code changes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from eventsourcing.persistence import PersistenceError

from tracker import sqlite_events
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.tokens import TokenStore

DATA_ENV = "CX_TRACKER_DATA"
DEFAULT_DATA_DIR = "cx-tracker-data"
EVENTS_FILE, ACCOUNTS_FILE, VIEWS_FILE = "events.sqlite3", "accounts.sqlite3", "views.sqlite3"
# A new data directory and the files created in it are private to their owner. (SQLite gives a
# database's -wal and -shm files the database file's own permissions.)
PRIVATE_DIR, PRIVATE_FILE, PRIVATE_UMASK = 0o700, 0o600, 0o077


def create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only, unless it exists (an empty file is an
    empty SQLite database)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass


class ConfigError(Exception):
    """A problem with the data directory or its files, told to the user without a traceback."""


@dataclass(frozen=True)
class DataDir:
    path: Path

    @property
    def events(self) -> Path:
        return self.path / EVENTS_FILE

    @property
    def accounts(self) -> Path:
        return self.path / ACCOUNTS_FILE

    @property
    def views(self) -> Path:
        return self.path / VIEWS_FILE

    @property
    def read_only(self) -> bool:
        """A copy handed over read-only (an auditor's): the commands that only read still work,
        reading the stores in place and the views from a private scratch copy."""
        if not self.path.is_dir():
            return False
        if not os.access(self.path, os.W_OK):
            return True
        return any(f.exists() and not os.access(f, os.W_OK) for f in (self.events, self.accounts))

    def is_empty(self) -> bool:
        if self.path.exists() and not self.path.is_dir():
            raise ConfigError(f"{self.path} exists and is not a directory")
        return not self.path.exists() or not any(self.path.iterdir())


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> DataDir:
    raw = option or os.environ.get(DATA_ENV) or DEFAULT_DATA_DIR
    return DataDir(Path(raw).expanduser().absolute())


def prepare(data: DataDir) -> DataDir:
    """Create the data directory (not its parents), or explain why it cannot be used."""
    if data.path.exists() and not data.path.is_dir():
        raise ConfigError(f"{data.path} exists and is not a directory")
    if not data.path.exists():
        if not data.path.parent.is_dir():
            raise ConfigError(
                f"cannot create the data directory {data.path}: "
                f"its parent {data.path.parent} does not exist"
            )
        try:
            data.path.mkdir(mode=PRIVATE_DIR)
            data.path.chmod(PRIVATE_DIR)  # whatever the umask: only its owner may read the data
        except OSError as e:
            raise ConfigError(f"cannot create the data directory {data.path}: {e.strerror}") from e
    return data


def sqlite_uri(path: Path, *, read_only: bool = False) -> str:
    """The URI SQLite opens `path` by. Read-only files are opened immutable: a WAL database in a
    directory we may not write cannot be opened otherwise (SQLite would create its -shm file)."""
    return f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if read_only else "")


def _check_sqlite_file(path: Path, what: str, read_only: bool = False) -> None:
    if not path.exists():
        return
    try:
        db = sqlite3.connect(sqlite_uri(path, read_only=read_only), uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        raise ConfigError(f"{path} is not a usable {what} ({e}); restore it from a backup") from e


def uses_sqlite_events() -> bool:
    module = os.environ.get("CXTRACKER_PERSISTENCE_MODULE") or os.environ.get("PERSISTENCE_MODULE")
    return module in (None, "", "eventsourcing.sqlite")


def module_is_postgres() -> bool:
    module = os.environ.get("CXTRACKER_PERSISTENCE_MODULE") or os.environ.get("PERSISTENCE_MODULE")
    return module == "eventsourcing.postgres"


def _refuse_another_sqlite_file(data: DataDir) -> None:
    """The library lets the environment win over the settings given in code, so an
    `SQLITE_DBNAME` set in the shell would silently replace the data directory's event store."""
    for name in ("CXTRACKER_SQLITE_DBNAME", "SQLITE_DBNAME"):
        elsewhere = os.environ.get(name)
        if elsewhere and Path(elsewhere).resolve() != data.events.resolve():
            raise ConfigError(
                f"{name} is set to {elsewhere}, but the event store of {data.path} is "
                f"{data.events}: unset {name} (the data directory decides where a SQLite event "
                "store lives)"
            )


def _open_shared(data: DataDir, *, create: bool, checked: bool = True) -> CxTracker:
    """The installation whose events (and accounts, sessions, login counters) live in PostgreSQL;
    `data` holds this server's read models only. A new data directory on a store that has events
    is a further server of that installation; `create` (init, demo) wants an empty store and
    leaves nothing behind when it is not."""
    from psycopg import Error as PostgresError

    from tracker import postgres
    from tracker.postgres.accounts import shared_accounts
    from tracker.postgres.tokens import PostgresTokenStore

    try:
        postgres.refuse_unsafe_settings()
        empty = postgres.store_is_empty()
    except ValueError as e:
        raise ConfigError(str(e)) from e
    except PostgresError as e:
        raise ConfigError(f"cannot reach {postgres.describe()}: {e}") from e
    if create and not empty:
        raise ConfigError(
            f"{postgres.describe()} already holds an installation: to add a server, run "
            "'cx-tracker serve --data NEW_DIR' against it (init and demo need an empty store)"
        )
    if not create and empty:
        raise ConfigError(f"{postgres.describe()} is empty: run 'cx-tracker init' first")
    prepare(data)
    accounts = None
    try:
        accounts = shared_accounts()
        app = CxTracker(accounts=accounts)
        app.attach_tokens(PostgresTokenStore())
    except (PostgresError, PersistenceError) as e:
        if accounts is not None:
            accounts.close()
        raise ConfigError(f"cannot open {postgres.describe()}: {e}") from e
    if checked and not create:
        try:
            refuse_rows_outside_the_log(app)
        except BaseException:
            app.close()
            raise
    return app


def _check_event_store(data: DataDir, read_only: bool = False) -> None:
    """An initialised installation's event store is its only record of history: a missing,
    emptied or table-less file is refused, never silently replaced by a new, empty store."""
    restore = ("restore it from a backup ('cx-tracker backup' makes one); it is never recreated "
               "empty, because the event log is the only record of the history")
    if not data.events.exists():
        if any(data.path.iterdir()):
            raise ConfigError(f"the event store {data.events} is missing from this installation: "
                              + restore)
        raise ConfigError(f"no event store at {data.events}: run 'cx-tracker init' first")
    if data.events.stat().st_size == 0:
        raise ConfigError(f"the event store {data.events} is empty (0 bytes): " + restore)
    _check_sqlite_file(data.events, "event store", read_only)
    db = sqlite3.connect(sqlite_uri(data.events, read_only=read_only), uri=True)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()
    if "stored_events" not in tables:
        raise ConfigError(f"the event store {data.events} holds no event log: " + restore)


def refuse_rows_outside_the_log(app: CxTracker) -> None:
    """Rows at position 0 or below are loaded by the repository but read by no view, seal or
    export: an installation holding any is refused until verified and restored."""
    first = app.recorder.select_notifications(start=None, limit=1)
    if first and first[0].id <= 0:
        raise ConfigError(
            f"the event store holds an event at position {first[0].id}, outside the log's order "
            "(the store never writes at 0 or below): the history was tampered with. Run "
            "'cx-tracker verify' and restore the data directory from a backup"
        )


def open_tracker(data: DataDir, *, create: bool = False, checked: bool = True) -> CxTracker:
    """Open the installation in `data`; with `create`, make the directory and empty stores.

    `checked=False` opens a log holding rows outside its order (for `verify` and the other
    integrity commands, which report them)."""
    if not uses_sqlite_events() and module_is_postgres():
        return _open_shared(data, create=create, checked=checked)
    if create:
        prepare(data)
        for store in ([data.events] if uses_sqlite_events() else []) + [data.accounts, data.views]:
            create_private(store)
    elif not data.path.is_dir():
        raise ConfigError(
            f"no installation at {data.path}: run 'cx-tracker init' or 'cx-tracker demo' first"
        )
    env: dict[str, str] = {}
    read_only = not create and data.read_only
    if uses_sqlite_events():
        _refuse_another_sqlite_file(data)
        if not create:
            _check_event_store(data, read_only)
        _check_sqlite_file(data.events, "event store", read_only)
        events = sqlite_uri(data.events, read_only=True) if read_only else str(data.events)
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": events,
               "APPLICATION_RECORDER_TOPIC": sqlite_events.TOPIC}
        env = {k: v for k, v in env.items() if k not in os.environ}
    _check_sqlite_file(data.accounts, "accounts store", read_only)
    try:
        app = CxTracker(env=env, accounts=Accounts(data.accounts, read_only=read_only))
        if not read_only:  # a read-only opening (an audit copy) has no API to serve
            app.attach_tokens(TokenStore(data.accounts))  # its own table in the accounts file
    except (sqlite3.DatabaseError, PersistenceError) as e:
        raise ConfigError(f"cannot open the stores in {data.path}: {e}") from e
    if checked and not create:
        try:
            refuse_rows_outside_the_log(app)
        except BaseException:
            app.close()
            raise
    return app


@contextmanager
def installation(data: DataDir, *, create: bool = False, checked: bool = True) -> Iterator[CxTracker]:
    """The installation in `data` (see `open_tracker`), open for the block: the application and
    its accounts store are closed after it, however it ends."""
    app = open_tracker(data, create=create, checked=checked)
    try:
        yield app
    finally:
        app.close()
