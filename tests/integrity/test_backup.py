"""backup: an online, consistent copy of the data directory that a server can run from."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from projections.database import open_views
from projections.queries.board import board
from projections.runner import Runner
from projections.setup import open_runner
from projections.views import all_views
from tests.cli.support import DEMO_DAY, cx, refused_cleanly
from tests.integrity.support import head, seal, sqlite_app
from tracker.config import DataDir
from tracker.domain import member_id
from tracker.integrity.backup import backup, first_difference, open_sqlite_events
from tracker.integrity.records import stored_records
from web import create_app
from web.services import services, views


def build_views(data: Path) -> None:
    app = sqlite_app(data)
    runner = open_runner(DataDir(data), app)
    try:
        runner.catch_up()
    finally:
        runner.close()
        app.close()


@pytest.fixture
def live(demo: Path) -> Path:
    """The demo with its read models built, sealed, and a secret key beside it."""
    build_views(demo)
    seal(demo)
    (demo / "secret_key").write_text("0" * 64)
    return demo


def test_backup_copies_every_file_and_checks_the_copy(live: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy"
    result = cx("backup", dest, "--data", live)
    assert result.exit_code == 0, result.output
    assert {p.name for p in dest.iterdir()} == {
        "events.sqlite3", "accounts.sqlite3", "views.sqlite3", "integrity.sqlite3", "seals.jsonl", "secret_key",
    }
    assert (dest / "secret_key").read_text() == "0" * 64
    assert "events.sqlite3:" in result.stderr and "integrity check: ok" in result.stderr
    assert f"Checked the store: {head(live)} events" in result.stdout and "): ok" in result.stdout
    assert f"OK: backup in {dest}" in result.stdout


@pytest.mark.parametrize("make", ["file", "non-empty", "no-parent"])
def test_backup_wants_a_new_or_empty_directory(live: Path, tmp_path: Path, make: str) -> None:
    dest = tmp_path / "copy"
    if make == "file":
        dest.write_text("x")
    elif make == "non-empty":
        dest.mkdir()
        (dest / "keep.txt").write_text("x")
    else:
        dest = tmp_path / "missing" / "copy"
    result = cx("backup", dest, "--data", live)
    assert refused_cleanly(result, 2)
    assert str(dest) in result.output
    assert not (dest.parent / "copy" / "events.sqlite3").exists()


def test_the_restored_copy_serves_the_same_plan(live: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy"
    assert cx("backup", dest, "--data", live).exit_code == 0
    readings = []
    for data in (live, dest):
        flask_app = create_app({"DATA_DIR": str(data), "TESTING": True, "SECRET_KEY": "test-secret"})
        with flask_app.app_context():
            readings.append((services().tracker.plan(), board(views(), today=DEMO_DAY)))
        services_of(flask_app).tracker.close()
    assert readings[0] == readings[1]
    assert len(readings[1][1]) > 30 and readings[1][0]["departments"]


def services_of(flask_app: Any) -> Any:
    return flask_app.extensions["cx"]


def tables(path: Path) -> dict[str, list[Any]]:
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {n: sorted(db.execute(f"SELECT * FROM [{n}]").fetchall(), key=repr) for n in names}
    finally:
        db.close()


class Writer(threading.Thread):
    """Keeps adding notes and catching the views up, as a running server would."""

    def __init__(self, data: Path) -> None:
        super().__init__(daemon=True)
        self.data, self.stop, self.written = data, threading.Event(), 0
        self.error: BaseException | None = None

    def run(self) -> None:
        app = sqlite_app(self.data)
        runner = open_runner(DataDir(self.data), app)
        commitment = next(UUID(r.originator_id) for batch in stored_records(app) for r in batch
                          if r.topic == "cx-tracker/commitment/Made")
        try:
            while not self.stop.is_set():
                receipt = app.add_note(member_id("cco@example.com"), commitment, text=f"note {self.written}")
                runner.catch_up(receipt.position)
                self.written += 1
        except BaseException as e:  # reported by the test
            self.error = e
        finally:
            runner.close()
            app.close()

    def wait_for(self, count: int) -> None:
        target = self.written + count
        while self.written < target and self.error is None and self.is_alive():
            threading.Event().wait(0.01)


def test_a_backup_taken_while_a_writer_keeps_writing_is_consistent(live: Path, tmp_path: Path) -> None:
    start = head(live)
    writer = Writer(live)
    writer.start()
    writer.wait_for(3)
    notes: list[str] = []
    live_app = sqlite_app(live)
    try:
        report = backup(DataDir(live), live_app, tmp_path / "copy", notes.append)
        writer.wait_for(3)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None
    dest = tmp_path / "copy"
    assert report.ok, (report.problems, notes)
    copy_head, live_head = head(dest), head(live)
    assert start + 3 <= copy_head < live_head

    copy = open_sqlite_events(dest / "events.sqlite3")
    assert first_difference(live_app, copy, copy_head) is None  # an exact prefix of the live log
    for name in ("events.sqlite3", "views.sqlite3", "accounts.sqlite3", "integrity.sqlite3"):
        db = sqlite3.connect(dest / name)
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        db.close()

    # The copied views catch up from their copied position to the same state as a clean build.
    runner = open_runner(DataDir(dest), copy)
    assert runner.catch_up() == copy_head
    runner.close()
    fresh = open_views(tmp_path / "fresh.sqlite3")
    Runner(copy, fresh, all_views()).catch_up()
    fresh.close()
    assert tables(dest / "views.sqlite3") == tables(tmp_path / "fresh.sqlite3")
    copy.close()
    live_app.close()


def test_seal_export_and_verify_work_while_a_writer_keeps_writing(live: Path, tmp_path: Path) -> None:
    writer = Writer(live)
    writer.start()
    try:
        writer.wait_for(2)
        sealed = seal(live)
        writer.wait_for(2)
        exported = cx("export", tmp_path / "bundle.jsonl", "--data", live)
        writer.wait_for(2)
        during = cx("verify", "--data", live)
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None and exported.exit_code == 0, exported.output
    assert during.exit_code == 0, during.output
    in_bundle = json.loads(exported.stdout.splitlines()[-1])
    assert sealed["position"] < in_bundle["position"] < head(live)
    result = cx("verify", "--data", live)
    assert result.exit_code == 0, result.output
    assert cx("verify", "--bundle", tmp_path / "bundle.jsonl").exit_code == 0
