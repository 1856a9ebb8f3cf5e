"""What a read model is: tables it owns, how to create them, and how each fact changes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from sqlite_utils import Database

from projections.facts import Fact
from tracker.domain import event_keys

Handler = Callable[[Database, Fact], None]
HANDLER_PREFIX = "on_"


class View:
    """A read model. Subclasses set `name`, `version`, `tables`, write `create` and handlers.

    Handlers are methods named after the fact key with the dot replaced, e.g.
    `on_commitment_ProgressReported(self, db, fact)`; defining a subclass with a handler that
    names no event (`tracker.domain.event_keys`) raises TypeError, so a mistyped one cannot be
    skipped silently. Facts without a handler are skipped (their position still advances). A
    handler never swallows an error: a failure stops the runner and rolls the whole batch back.
    Bump `version` whenever the tables or their meaning change: the runner then rebuilds this
    view from the log.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = ()
    # Indexes the handlers look up through while they apply events: a rebuild keeps them during
    # its load and creates this view's other indexes after it.
    lookup_indexes: ClassVar[frozenset[str]] = frozenset()
    # Indexes only `finish_bulk_load` reads through: a rebuild drops them too during its load and
    # creates them just before the views finish it.
    finish_indexes: ClassVar[frozenset[str]] = frozenset()
    # fact key -> handler method name, checked when the subclass is defined
    handler_names: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls.handler_names = handler_names(cls)

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {
            key: getattr(self, attr) for key, attr in self.handler_names.items()}

    def create(self, db: Database) -> None:
        """Create this view's tables and indexes (they do not exist yet)."""
        raise NotImplementedError

    def drop(self, db: Database) -> None:
        for table in self.tables:
            db.execute(f"DROP TABLE IF EXISTS [{table}]")

    def apply(self, db: Database, fact: Fact) -> None:
        handler = self._handlers.get(fact.key)
        if handler is not None:
            handler(db, fact)

    def start_bulk_load(self) -> None:
        """A rebuild starts applying the log to a new file that nobody reads before
        `finish_bulk_load`: the view may leave out work no handler reads back (and do it then,
        set-based). Live catch-ups never call this."""

    def finish_bulk_load(self, db: Database | None) -> None:
        """Do the work left out since `start_bulk_load` (inside a write transaction), so that
        the tables are exactly what applying every event one by one gives; `db` None: the load
        failed (its file is discarded), only apply events one by one again."""

    def handler_for(self, key: str) -> Handler | None:
        """What the runner calls for facts of `key`: `apply` when a subclass overrides it (it
        may act on every fact), else the key's handler, or None when this view ignores them."""
        if type(self).apply is not View.apply:
            return self.apply
        return self._handlers.get(key)


class Deferred:
    """Writes a view leaves for later during a rebuild's load: statements no handler reads back
    before they are flushed, run with one `executemany` per statement instead of one `execute`
    per event. Flushed every `limit` rows (so memory stays flat) and by the view's
    `finish_bulk_load`; a view that reads back what it deferred flushes first."""

    def __init__(self, limit: int = 2000) -> None:
        self.limit = limit
        self._rows: dict[str, list[Sequence[object]]] = {}
        self._count = 0

    def add(self, db: Database, sql: str, row: Sequence[object]) -> None:
        """Run `sql` with `row` later (in order with the other rows of the same `sql`)."""
        self._rows.setdefault(sql, []).append(row)
        self._count += 1
        if self._count >= self.limit:
            self.flush(db)

    def flush(self, db: Database) -> None:
        """Run what was deferred, statement by statement in the order each was first added."""
        rows, self._rows, self._count = self._rows, {}, 0
        for sql, params in rows.items():
            db.conn.executemany(sql, params)

    def drop(self) -> None:
        """Forget what was deferred (the load failed: its file is discarded)."""
        self._rows, self._count = {}, 0

    def __bool__(self) -> bool:
        return self._count > 0


def handler_names(cls: type) -> dict[str, str]:
    """fact key -> method name of `cls`'s `on_<aggregate>_<Event>` handlers; TypeError when one
    names no stored event."""
    known = event_keys()
    found: dict[str, str] = {}
    for attr in dir(cls):
        if attr.startswith(HANDLER_PREFIX) and callable(getattr(cls, attr)):
            aggregate, _, kind = attr.removeprefix(HANDLER_PREFIX).partition("_")
            key = f"{aggregate}.{kind}"
            if key not in known:
                raise TypeError(f"{cls.__qualname__}.{attr} handles no event: {key!r} is not one of"
                                f" {', '.join(sorted(known))}")
            found[key] = attr
    return found
