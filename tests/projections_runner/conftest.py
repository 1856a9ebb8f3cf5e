"""Fixtures of the runner's tests: a small SQLite store built once per session, copied per test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.postgres import fresh_schema
from tests.projections_runner.helpers import build_store, copy_events, copy_sqlite
from tracker.application import CxTracker
from tracker.config import open_tracker, resolve_data_dir

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory's stores (events and accounts) with an organisation and ~600 events."""
    path = tmp_path_factory.mktemp("small-store") / "events.sqlite3"
    build_store(path, commitments=24, until=600)
    return path


@pytest.fixture
def data_dir(small_store: Path, tmp_path: Path) -> Path:
    """A private copy of the small store as a data directory (events, accounts; no views yet)."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("events.sqlite3", "accounts.sqlite3"):
        copy_sqlite(small_store.parent / name, data / name)
    return data


@pytest.fixture(params=["sqlite", "postgres"])
def any_data_dir(request: pytest.FixtureRequest, small_store: Path, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The small store as an installation on each event store: the SQLite data directory, or
    its events copied as stored into a fresh PostgreSQL schema (settings in the environment, as
    an operator sets them; the data directory then holds only the views). Skipped with a reason
    without PostgreSQL, failed under CI=true (tests/postgres.py)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("data_dir")
        return
    for name in ("CXTRACKER_PERSISTENCE_MODULE", "SQLITE_DBNAME", "CXTRACKER_SQLITE_DBNAME"):
        monkeypatch.delenv(name, raising=False)
    with fresh_schema() as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        copy_events(small_store, env)
        yield tmp_path / "server"


@pytest.fixture
def store_app(any_data_dir: Path) -> Iterator[CxTracker]:
    """The application on this test's copy of the small store (SQLite or PostgreSQL)."""
    app = open_tracker(resolve_data_dir(any_data_dir))
    yield app
    app.close()


def python(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    """A Python process in the repository, able to import `tests`."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, *args], cwd=REPO, env=env, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, **kwargs,  # type: ignore[call-overload]
    )


def reap(processes: list[subprocess.Popen[str]]) -> None:
    """Kill and wait for any process still running (after a failed assertion), so no process
    outlives its test and none is left for the garbage collector to warn about."""
    for p in processes:
        if p.poll() is None:
            p.kill()
        p.communicate()
