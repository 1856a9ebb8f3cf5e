"""Rebuild builds beside the live views and swaps them in atomically, under readers' feet."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlite_utils import Database

from projections.database import open_views, positions
from projections.facts import Fact
from projections.rebuild import RebuildBusy, RebuildReport, _only_one_rebuild, rebuild
from projections.runner import Runner
from projections.views import all_views
from tests.projections_runner.helpers import (
    ApplyLog, add_activity_to, applied_positions, clean_dump, dump, mechanics_views, product_views,
)
from tracker.application import CxTracker


@pytest.fixture
def live(store_app: CxTracker, tmp_path: Path) -> Path:
    """Live views half-way up the log, with a stray row a correct build would not have."""
    path = tmp_path / "views.sqlite3"
    runner = Runner(store_app, open_views(path), product_views(), batch_size=50)
    runner.catch_up(until=store_app.head() // 2)
    runner.db.execute("INSERT INTO departments (slug, name, added_at, ordinal) VALUES ('stray', 'Stray', NULL, 99)")
    runner.close()
    return path


def leftovers(live: Path) -> list[str]:
    return sorted(p.name for p in live.parent.iterdir() if ".rebuild" in p.name)


def test_rebuild_swaps_in_views_equal_to_a_clean_build(
    store_app: CxTracker, live: Path, tmp_path: Path
) -> None:
    report = rebuild(store_app, live, product_views(), batch_size=100)

    assert report.events == report.target == store_app.head()
    assert report.seconds > 0 and report.rate > 0
    assert dump(open_views(live)) == clean_dump(store_app, tmp_path)
    assert leftovers(live) == ["views.sqlite3.rebuild.lock"]


def test_rebuild_reports_progress_after_the_first_batch_then_every_interval(
    store_app: CxTracker, tmp_path: Path
) -> None:
    reports: list[RebuildReport] = []

    rebuild(store_app, tmp_path / "views.sqlite3", mechanics_views(), batch_size=50,
            progress=reports.append, report_every=0)

    assert [r.events for r in reports] == list(range(50, store_app.head() + 1, 50))
    assert {r.target for r in reports} == {store_app.head()}
    assert all(r.rate > 0 for r in reports)
    quiet: list[RebuildReport] = []
    rebuild(store_app, tmp_path / "views.sqlite3", mechanics_views(), batch_size=50,
            progress=quiet.append, report_every=3600)
    assert [r.events for r in quiet] == [50]


def test_a_reader_holding_a_snapshot_during_the_swap_sees_the_old_views_then_the_new(
    store_app: CxTracker, live: Path, tmp_path: Path
) -> None:
    reader = sqlite3.connect(live, isolation_level=None)
    idle = sqlite3.connect(live, isolation_level=None)  # open, but not reading, during the swap
    before = reader.execute("SELECT count(*) FROM timeline").fetchone()[0]
    assert idle.execute("SELECT count(*) FROM timeline").fetchone()[0] == before
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM departments").fetchone()[0] == 4  # with the stray

    rebuild(store_app, live, product_views())

    assert reader.execute("SELECT count(*) FROM timeline").fetchone()[0] == before
    assert reader.execute("SELECT count(*) FROM departments").fetchone()[0] == 4
    reader.execute("COMMIT")
    clean = clean_dump(store_app, tmp_path)
    for conn in (reader, idle):
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert dump(Database(conn)) == clean
        assert conn.execute("SELECT count(*) FROM timeline").fetchone()[0] == store_app.head()


def test_readers_and_a_runner_during_the_swap_see_consistent_views_throughout(
    store_app: CxTracker, tmp_path: Path
) -> None:
    """Each read transaction sees one whole database: the apply log always holds exactly the
    events up to its position, whether before, during or after the swap."""
    live = tmp_path / "views.sqlite3"
    Runner(store_app, open_views(live), mechanics_views(), batch_size=7).catch_up(until=200)
    writer = Runner(store_app, open_views(live), mechanics_views(), batch_size=7)
    stop, seen, errors = threading.Event(), set(), []

    def read() -> None:
        conn = sqlite3.connect(live, isolation_level=None)
        try:
            while not stop.is_set():
                conn.execute("BEGIN")
                logged = conn.execute("SELECT count(*), max(position) FROM apply_log").fetchone()
                position = conn.execute(
                    "SELECT position FROM _positions WHERE view = 'apply_log'").fetchone()[0]
                conn.execute("COMMIT")
                if logged != (position, position):
                    errors.append((logged, position))
                seen.add(position)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
        finally:
            conn.close()

    readers = [threading.Thread(target=read) for _ in range(3)]
    for r in readers:
        r.start()
    add_activity_to(store_app, 20)
    rebuild(store_app, live, mechanics_views(), batch_size=11)
    writer.catch_up()  # a runner connected before the swap goes on after it
    stop.set()
    for r in readers:
        r.join(10)

    assert not errors
    assert min(seen) == 200 and max(seen) == store_app.head()
    assert dump(writer.db) == clean_dump(store_app, tmp_path, mechanics_views)


def test_a_failed_rebuild_leaves_the_live_views_as_they_were(
    store_app: CxTracker, live: Path
) -> None:
    before = dump(open_views(live))

    class Fails(ApplyLog):
        def apply(self, db: Database, fact: Fact) -> None:
            if fact.position == 300:
                raise RuntimeError("a bug in a view")
            super().apply(db, fact)

    with pytest.raises(RuntimeError, match="a bug in a view"):
        rebuild(store_app, live, [*product_views()[:-1], Fails()])

    assert dump(open_views(live)) == before
    assert leftovers(live) == ["views.sqlite3.rebuild.lock"]


def test_only_one_rebuild_of_a_file_runs_at_a_time(store_app: CxTracker, live: Path) -> None:
    with _only_one_rebuild(live, live.with_name("views.sqlite3.rebuild")):
        with pytest.raises(RebuildBusy, match="another rebuild"):
            rebuild(store_app, live, product_views())


def test_rebuild_creates_the_live_file_when_there_is_none(
    store_app: CxTracker, tmp_path: Path
) -> None:
    live = tmp_path / "views.sqlite3"

    rebuild(store_app, live, mechanics_views())

    db = open_views(live)
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert applied_positions(db) == list(range(1, store_app.head() + 1))


def test_rebuild_into_a_live_file_with_another_page_size(
    store_app: CxTracker, tmp_path: Path
) -> None:
    live = tmp_path / "views.sqlite3"
    open_views(live, page_size=8192).close()

    rebuild(store_app, live, mechanics_views())

    db = open_views(live)
    assert db.execute("PRAGMA page_size").fetchone() == (8192,)
    assert positions(db)["apply_log"] == (1, store_app.head())


def test_reading_commands_build_new_or_stale_views_with_the_rebuild(
    store_app: CxTracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`as-of` and the other commands that catch up before they read (`open_runner(build=True)`)
    build views that are missing or stale through the rebuild (the bulk path), not batch by
    batch; views that are current are kept and only caught up."""
    import projections.setup as setup
    from tracker.config import DataDir

    built: list[Path] = []
    real = setup.rebuild

    def recording(app: CxTracker, live: Path, *args: object, **kwargs: object) -> RebuildReport:
        built.append(Path(live))
        return real(app, live, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(setup, "rebuild", recording)
    data = DataDir(tmp_path / "reader")
    data.path.mkdir()
    runner = setup.open_runner(data, store_app, build=True)
    try:
        assert built == [data.views]
        assert runner.position() == store_app.head()  # built before any catch-up of its own
        assert dump(runner.db) == clean_dump(store_app, tmp_path, all_views)
    finally:
        runner.close()
    runner = setup.open_runner(data, store_app, build=True)
    runner.close()
    assert built == [data.views]  # current: kept
    runner = setup.open_runner(data, store_app)  # the status command: never builds
    runner.close()
    db = open_views(data.views)
    db.execute("UPDATE _positions SET version = version + 1 WHERE view = 'board'")
    db.close()
    setup.open_runner(data, store_app, build=True).close()
    assert built == [data.views, data.views]  # a view's version changed: rebuilt
