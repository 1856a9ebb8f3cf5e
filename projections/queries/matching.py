"""Existing commitments by department and title, for an import to match its rows against."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from sqlite_utils import Database


def commitment_finder(db: Database) -> Callable[[str, str], UUID | None]:
    """A look-up (department slug, title) -> commitment id, titles compared case-insensitively;
    read once, so an import of thousands of rows costs one query."""
    found: dict[tuple[str, str], UUID] = {}
    for ident, department, title in db.execute("SELECT id, department, title FROM commitments"):
        found.setdefault((department, title.casefold()), UUID(ident))
    return lambda department, title: found.get((department, title.strip().casefold()))
