"""What a read model is: tables it owns, how to create them, and how each fact changes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from sqlite_utils import Database

from projections.facts import Fact

Handler = Callable[[Database, Fact], None]


class View:
    """A read model. Subclasses set `name`, `version`, `tables`, write `create` and handlers.

    Handlers are methods named after the fact key with the dot replaced, e.g.
    `on_commitment_ProgressReported(self, db, fact)`. Facts without a handler are skipped (their
    position still advances). A handler never swallows an error: a failure stops the runner and
    rolls the whole batch back. Bump `version` whenever the tables or their meaning change: the
    runner then rebuilds this view from the log.
    """

    name: ClassVar[str]
    version: ClassVar[int] = 1
    tables: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        for attr in dir(type(self)):
            if attr.startswith("on_"):
                aggregate, _, kind = attr[3:].partition("_")
                self._handlers[f"{aggregate}.{kind}"] = getattr(self, attr)

    def create(self, db: Database) -> None:
        """Create this view's tables and indexes (they do not exist yet)."""
        raise NotImplementedError

    def drop(self, db: Database) -> None:
        for table in self.tables:
            db.execute(f"DROP TABLE IF EXISTS [{table}]")

    def handles(self, key: str) -> bool:
        return key in self._handlers

    def apply(self, db: Database, fact: Fact) -> None:
        handler = self._handlers.get(fact.key)
        if handler is not None:
            handler(db, fact)
