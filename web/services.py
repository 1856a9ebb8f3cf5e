"""The resources a request uses: the application service (one per process), a read-model
connection (one per request), and catching the views up for read-your-writes."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlite_utils import Database

from projections.database import open_views
from projections.runner import Runner
from projections.views import all_views
from tracker.application import CxTracker
from tracker.config import DataDir, open_tracker, resolve_data_dir


@dataclass
class Services:
    data: DataDir
    tracker: CxTracker

    @classmethod
    def attach(cls, app: Flask) -> None:
        data = resolve_data_dir(app.config["DATA_DIR"])
        services = cls(data=data, tracker=open_tracker(data))
        db = open_views(data.views)
        try:
            Runner(services.tracker, db, all_views()).prepare()
        finally:
            db.close()
        app.extensions["cx"] = services
        app.teardown_appcontext(_close_views)


def services() -> Services:
    return current_app.extensions["cx"]  # type: ignore[no-any-return]


def tracker() -> CxTracker:
    return services().tracker


def views() -> Database:
    """This request's read-model connection (opened on first use, closed at teardown)."""
    if "views" not in g:
        g.views = open_views(services().data.views)
    return g.views  # type: ignore[no-any-return]


def catch_up(until: int | None = None) -> int:
    """Bring the views up to `until` (a command's position) or the head of the log."""
    # Prepared once at start-up, in Services.attach.
    return Runner(tracker(), views(), all_views(), prepared=True).catch_up(until)


def _close_views(_: BaseException | None) -> None:
    db = g.pop("views", None)
    if db is not None:
        db.close()
