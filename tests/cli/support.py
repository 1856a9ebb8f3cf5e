"""Helpers for the CLI tests: invoking `cx-tracker` in-process and reading what it wrote."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from eventsourcing.domain import DomainEvent

from tracker.application import CxTracker
from tracker.cli.main import cli
from tracker.config import open_tracker, resolve_data_dir

PASSWORD = "correct-horse"
DEMO_DAY = date(2026, 11, 23)


def cx(*args: Any, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run `cx-tracker ARGS...` in-process, as a user would type it."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env)


def refused_cleanly(result: Result, status: int) -> bool:
    """The command stopped with `status` and one-line errors, not a traceback."""
    return (
        result.exit_code == status
        and isinstance(result.exception, SystemExit)
        and "Traceback" not in result.output
    )


def ok(*args: object) -> str:
    """Run `cx-tracker ARGS...`, which must succeed; its output."""
    result = cx(*args)
    assert result.exit_code == 0, result.output
    return result.output


def open_data(path: Path) -> CxTracker:
    return open_tracker(resolve_data_dir(path))


def topics(data: Path) -> list[str]:
    """The topic of every event in the installation's log, in log order."""
    app = open_data(data)
    try:
        return [entry.topic for entry in log(app)]
    finally:
        app.close()


@dataclass(frozen=True)
class Logged:
    """One event of the log: its position, short topic (e.g. "commitment/Made") and the event."""

    position: int
    topic: str
    event: DomainEvent

    def __getattr__(self, name: str) -> Any:
        return getattr(self.event, name)


def log(app: CxTracker) -> list[Logged]:
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    return [
        Logged(n.id, n.topic.removeprefix("cx-tracker/"), app.mapper.to_domain_event(n))
        for n in notifications
    ]


def raw_log(app: CxTracker) -> list[tuple[str, bytes]]:
    """(topic, stored state) of every event, in log order: what determinism is judged on."""
    return [(n.topic, n.state) for n in app.recorder.select_notifications(start=1, limit=1_000_000)]
