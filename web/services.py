"""The resources a request uses: the application service (one per process), a read-model
connection (lent from a pool for the request), and catching the views up for read-your-writes."""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass, field

from flask import Flask, current_app, g
from sqlite_utils import Database

from projections.database import open_views
from projections.runner import Runner
from projections.setup import discard_broken_views, rebuild_views
from projections.views import all_views
from tracker.application import CxTracker
from tracker.config import DataDir, open_tracker, resolve_data_dir


@dataclass
class Services:
    data: DataDir
    tracker: CxTracker
    # Idle read-model connections. Reusing them saves opening one per request and, above all,
    # the WAL checkpoint SQLite runs when the last connection to a file closes (~7 ms a request
    # in bench/). There are never more than the server's threads.
    idle_views: queue.SimpleQueue[Database] = field(default_factory=queue.SimpleQueue, init=False)
    # One runner per read-model connection (by id; a connection serves one request at a time):
    # building the views and a runner cost ~0.2 ms of each write, and their memos stay warm.
    runners: dict[int, Runner] = field(default_factory=dict, init=False)

    def lend_views(self) -> Database:
        try:
            return self.idle_views.get_nowait()
        except queue.Empty:
            return open_views(self.data.views)

    def take_back_views(self, db: Database) -> None:
        if db.conn.in_transaction:  # a request that failed inside a write: nothing half-done stays
            db.conn.rollback()
        self.idle_views.put(db)

    def runner(self, db: Database) -> Runner:
        """The runner catching the views up on `db` (a connection lent by `lend_views`). The
        views were prepared once at start-up (`ready_views`); a runner that found them reset by
        another since is replaced, and its catch-up raises again, as a new one's would."""
        runner = self.runners.get(id(db))
        if runner is None or not runner.prepared:
            runner = self.runners[id(db)] = Runner(self.tracker, db, all_views(), prepared=True)
        return runner

    def close(self) -> None:
        """Close the idle connections and the application (tests and a server's shutdown)."""
        while True:
            try:
                db = self.idle_views.get_nowait()
            except queue.Empty:
                break
            runner = self.runners.pop(id(db), None)
            if runner is not None:
                runner.close()  # its lock file, and the connection
            else:
                db.close()
        self.tracker.close()

    @classmethod
    def attach(cls, app: Flask, tracker: CxTracker | None = None) -> None:
        """The services of the installation in DATA_DIR (its application: `tracker`, else opened
        here), with the views ready, as `app.extensions["cx"]`."""
        data = resolve_data_dir(app.config["DATA_DIR"])
        services = cls(data=data, tracker=tracker if tracker is not None else open_tracker(data))
        ready_views(data, services.tracker, app.logger)
        app.extensions["cx"] = services
        app.teardown_appcontext(_close_views)


def ready_views(data: DataDir, app: CxTracker, log: logging.Logger) -> None:
    """Before the first request: views that are stale (new, of another code version, ahead of
    the store) are rebuilt beside the live file and swapped in, so a server that starts after an
    upgrade never rebuilds inside a request; then the views catch up to the head."""
    discard_broken_views(data)
    db = open_views(data.views)
    try:
        runner = Runner(app, db, all_views())
        reason = runner.stale()
        if reason is None:
            runner.catch_up()
            return
    finally:
        db.close()
    log.info("Building the read models from the log (%s), beside the live file ...", reason)
    report = rebuild_views(data, app, progress=lambda r: log.info(
        "  %s of %s events, %.0f events/s", f"{r.events:,}", f"{r.target:,}", r.rate))
    log.info("Rebuilt the read models: %s events in %.1f s.", f"{report.events:,}", report.seconds)


def services() -> Services:
    return current_app.extensions["cx"]


def tracker() -> CxTracker:
    return services().tracker


def views() -> Database:
    """This request's read-model connection (lent on first use, given back at teardown)."""
    if "views" not in g:
        g.views = services().lend_views()
    return g.views


def catch_up(until: int | None = None) -> int:
    """Bring the views up to `until` (a command's position) or the head of the log."""
    return services().runner(views()).catch_up(until)


def _close_views(_: BaseException | None) -> None:
    db = g.pop("views", None)
    if db is not None:
        services().take_back_views(db)
