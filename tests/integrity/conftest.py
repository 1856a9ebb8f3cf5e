"""Integrity fixtures: the demo organisation in a real data directory, copied fresh for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import DEMO_DAY
from tests.conftest import make_app
from tests.integrity.support import Store, sqlite_app
from tests.postgres import fresh_schema
from tracker.demo import seed


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CX_TRACKER_DATA", "CX_TRACKER_AS", "PERSISTENCE_MODULE", "CXTRACKER_PERSISTENCE_MODULE",
                 "SQLITE_DBNAME", "CXTRACKER_SQLITE_DBNAME", "COMPRESSOR_TOPIC", "CIPHER_TOPIC", "CIPHER_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation (~400 events) written once per session; tests get copies."""
    data = tmp_path_factory.mktemp("demo-template") / "data"
    data.mkdir()
    app = sqlite_app(data)
    try:
        seed(app, today=DEMO_DAY)
    finally:
        app.close()
        app.accounts.close()
    return data


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo data directory."""
    return Path(shutil.copytree(demo_template, tmp_path / "data"))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, demo_template: Path, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The demo organisation on each event store: a copy of the SQLite data directory, or the
    same history written into a fresh PostgreSQL schema (its settings in the environment, as an
    operator sets them, so the commands find it; the data directory then holds the views only).
    Skipped with a reason without PostgreSQL, failed under CI=true (tests/postgres.py)."""
    if request.param == "sqlite":
        yield Store("sqlite", Path(shutil.copytree(demo_template, tmp_path / "data")), None)
        return
    with fresh_schema() as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        app = make_app("postgres", tmp_path, env)
        try:
            seed(app, today=DEMO_DAY)
        finally:
            app.close()
        yield Store("postgres", tmp_path / "data", env)
