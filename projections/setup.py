"""Wiring an installation's views: a runner over every view (the CLI commands), and a rebuild
beside the live file (the CLI and the web's start-up)."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from pathlib import Path
from uuid import UUID

from eventsourcing.application import Application

from projections.database import open_views
from projections.rebuild import Progress, RebuildBusy, RebuildReport, rebuild
from projections.runner import Runner
from projections.views import all_views
from tracker.config import ConfigError, DataDir, sqlite_uri


log = logging.getLogger(__name__)
BROKEN_SUFFIX = ".broken"


def _problem(path: Path, read_only: bool = False) -> str | None:
    """Why `path` is not a usable SQLite database, or None (a locked one counts as usable)."""
    try:
        db = sqlite3.connect(sqlite_uri(path, read_only=read_only), uri=True)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        if "locked" in str(e) or "busy" in str(e):
            return None
        return str(e)
    return None


def _usable(path: Path, read_only: bool = False) -> bool:
    return _problem(path, read_only) is None


def discard_broken_views(data: DataDir) -> bool:
    """Views are disposable: a `views.sqlite3` that is not an SQLite database (junk, truncated)
    is moved aside to `views.sqlite3.broken` (with its -wal/-shm), so it is built afresh from the
    log. True when one was moved."""
    path = data.views
    if not path.exists():
        return False
    reason = _problem(path, data.read_only)
    if reason is None or data.read_only:  # a read-only copy's views are never used in place
        return False
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.replace(path.with_name(path.name + BROKEN_SUFFIX))
    log.warning("%s was not a usable database (%s): moved it to %s%s; the views are rebuilt "
                "from the event log", path, reason, path.name, BROKEN_SUFFIX)
    return True


def open_runner(
    data: DataDir, app: Application[UUID], *, batch_size: int = 1000, build: bool = False,
) -> Runner:
    """A runner over every view in `data.views` (created when missing or broken); close it when
    done. In a read-only data directory the views are a private scratch copy, caught up there
    and removed on close.

    `build`: views that are stale or still empty are first built with `rebuild` (the bulk path:
    deferred indexes, work left for after the load) instead of one
    batch at a time through the runner; for the commands that catch up before they read."""
    if data.read_only:
        return _scratch_runner(data, app, batch_size, build)
    discard_broken_views(data)
    if build:
        build_if_stale(app, data.views)
    return Runner(app, open_views(data.views), all_views(), batch_size=batch_size)


def build_if_stale(app: Application[UUID], path: Path) -> RebuildReport | None:
    """Rebuild the views in `path` when they are stale or have applied nothing yet (None when
    they are kept, or when another process is rebuilding them: the caller catches up as it
    would have)."""
    db = open_views(path)
    try:
        runner = Runner(app, db, all_views())
        reason = runner.stale()
        if reason is None and (runner.position() > 0 or runner.head() == 0):
            return None
    finally:
        db.close()
    log.info("Building the read models in %s from the log (%s) ...", path,
             reason or "they are empty")
    try:
        return rebuild(app, path, all_views())
    except RebuildBusy:
        return None


def _scratch_runner(
    data: DataDir, app: Application[UUID], batch_size: int, build: bool = False,
) -> Runner:
    scratch = tempfile.TemporaryDirectory(prefix="cx-tracker-views-")
    copy = Path(scratch.name) / data.views.name
    if data.views.exists() and _usable(data.views, read_only=True):
        for suffix in ("", "-wal"):
            if Path(f"{data.views}{suffix}").exists():
                shutil.copyfile(f"{data.views}{suffix}", f"{copy}{suffix}")
    if build:
        build_if_stale(app, copy)
    runner = Runner(app, open_views(copy), all_views(), batch_size=batch_size)
    close = runner.close

    def close_and_remove() -> None:
        try:
            close()
        finally:
            scratch.cleanup()

    runner.close = close_and_remove  # type: ignore[method-assign]
    return runner


def rebuild_views(
    data: DataDir, app: Application[UUID], *, batch_size: int = 2000,
    progress: Progress | None = None,
) -> RebuildReport:
    """Rebuild every view from the log beside `data.views`, then swap it in (see `rebuild`)."""
    if data.read_only:
        raise ConfigError(f"{data.path} is read-only: its views cannot be rebuilt in place (the "
                          "reading commands build a private copy of them as they go)")
    discard_broken_views(data)
    return rebuild(app, data.views, all_views(), batch_size=batch_size, progress=progress)
