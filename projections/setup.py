"""Wiring an installation's views: a runner over every view (the CLI commands), and a rebuild
beside the live file (the CLI and the web's start-up)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.application import Application

from projections.database import open_views
from projections.rebuild import Progress, RebuildReport, rebuild
from projections.runner import Runner
from projections.views import all_views
from tracker.config import DataDir


def open_runner(data: DataDir, app: Application[UUID], *, batch_size: int = 1000) -> Runner:
    """A runner over every view in `data.views` (created when missing); close it when done."""
    return Runner(app, open_views(data.views), all_views(), batch_size=batch_size)


def rebuild_views(
    data: DataDir, app: Application[UUID], *, batch_size: int = 2000,
    progress: Progress | None = None,
) -> RebuildReport:
    """Rebuild every view from the log beside `data.views`, then swap it in (see `rebuild`)."""
    return rebuild(app, data.views, all_views(), batch_size=batch_size, progress=progress)
