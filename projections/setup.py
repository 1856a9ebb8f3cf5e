"""Wiring: the one place the web and the CLI get a runner (and a rebuild) from."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application

from projections.database import open_views
from projections.rebuild import Progress, RebuildReport, rebuild
from projections.runner import Runner
from projections.views import all_views
from tracker.config import DataDir


log = logging.getLogger(__name__)
BROKEN_SUFFIX = ".broken"


def discard_broken_views(data: DataDir) -> bool:
    """Views are disposable: a `views.sqlite3` that is not an SQLite database (junk, truncated)
    is moved aside to `views.sqlite3.broken` (with its -wal/-shm), so it is built afresh from the
    log. True when one was moved."""
    path = data.views
    if not path.exists():
        return False
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
        return False
    except sqlite3.DatabaseError as e:
        if "locked" in str(e) or "busy" in str(e):
            return False
        reason = str(e)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.replace(path.with_name(path.name + BROKEN_SUFFIX))
    log.warning("%s was not a usable database (%s): moved it to %s%s; the views are rebuilt "
                "from the event log", path, reason, path.name, BROKEN_SUFFIX)
    return True


def open_runner(data: DataDir, app: Application[UUID], *, batch_size: int = 1000) -> Runner:
    """A runner over every view in `data.views` (created when missing or broken); close it when
    done."""
    discard_broken_views(data)
    return Runner(app, open_views(data.views), all_views(), batch_size=batch_size)


def rebuild_views(
    data: DataDir, app: Application[UUID], *, batch_size: int = 2000,
    progress: Progress | None = None,
) -> RebuildReport:
    """Rebuild every view from the log beside `data.views`, then swap it in (see `rebuild`)."""
    discard_broken_views(data)
    return rebuild(app, data.views, all_views(), batch_size=batch_size, progress=progress)
