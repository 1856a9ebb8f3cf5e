"""`cx-tracker projections status|rebuild|run`."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

from projections.database import open_views, positions
from projections.runner import Runner
from projections.views import all_views
from tests.projections_runner.conftest import python, reap
from tests.projections_runner.helpers import add_activity_to, dump, dump_file, sqlite_app
from tests.waiting import HANG, wait_for
from tracker.cli.main import cli
from tracker.config import open_tracker, resolve_data_dir


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["projections", *args], catch_exceptions=False)
    return result.exit_code, result.output


def head_of(data: Path) -> int:
    app = open_tracker(resolve_data_dir(data))  # the data directory's store, SQLite or PostgreSQL
    try:
        return app.head()
    finally:
        app.close()


def clean_views(data: Path, tmp_path: Path, until: int | None = None) -> dict:  # type: ignore[type-arg]
    app = open_tracker(resolve_data_dir(data))
    db = open_views(tmp_path / "clean.sqlite3")
    try:
        Runner(app, db, all_views(), batch_size=100_000).catch_up(until)
        return dump(db)
    finally:
        db.close()
        app.close()


def test_status_lists_every_view_with_its_position_the_head_and_the_lag(any_data_dir: Path) -> None:
    data_dir = any_data_dir
    head = head_of(data_dir)

    code, output = invoke("status", "--data", str(data_dir))

    assert code == 0
    lines = output.splitlines()
    assert lines[0].split() == ["view", "version", "position", "head", "lag"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:1 + len(all_views())]}
    assert rows == {v.name: [str(v.version), "0", f"{head:,}", f"{head:,}"] for v in all_views()}
    assert "Rebuild pending (the views have not been built yet)" in output


def test_run_once_catches_up_and_status_then_shows_no_lag(any_data_dir: Path) -> None:
    data_dir = any_data_dir
    head = head_of(data_dir)

    code, output = invoke("run", "--once", "--data", str(data_dir), "--batch-size", "50")

    assert code == 0
    assert f"Caught up: position {head:,} ({head:,} events applied)." in output
    code, output = invoke("status", "--data", str(data_dir))
    assert [line.split()[2:] for line in output.splitlines()[1:]] == [
        [f"{head:,}", f"{head:,}", "0"]] * len(all_views())
    assert "Rebuild pending" not in output


def test_rebuild_reports_progress_and_a_summary_and_leaves_views_equal_to_a_clean_build(
    any_data_dir: Path, tmp_path: Path
) -> None:
    data_dir = any_data_dir
    head = head_of(data_dir)
    invoke("run", "--once", "--data", str(data_dir))

    code, output = invoke("rebuild", "--data", str(data_dir), "--batch-size", "100")

    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == f"Rebuilding {data_dir / 'views.sqlite3'} from {head:,} events ..."
    assert lines[1].startswith(f"  100 / {head:,} events (") and lines[1].endswith("events/s")
    assert lines[-1].startswith(f"Rebuilt: {head:,} events in ") and "events/s), swapped in." in lines[-1]
    assert dump_file(data_dir / "views.sqlite3") == clean_views(data_dir, tmp_path)


def test_commands_refuse_a_directory_without_an_installation(tmp_path: Path) -> None:
    for command in ("status", "rebuild", "run"):
        code, output = invoke(command, "--data", str(tmp_path / "nothing"))
        assert code == 1
        assert "no installation at" in output


def test_the_tracker_package_never_imports_the_read_side_or_the_web() -> None:
    """Imports run one way (web -> projections -> tracker): loading the whole `cx-tracker` command
    group, entry-point commands included, pulls nothing from `projections` or `web` into the
    `tracker` modules themselves."""
    import ast

    offenders = []
    import tracker

    for path in Path(tracker.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in ("projections", "web")]
    assert offenders == []


@pytest.mark.slow  # spawns processes
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_follows_the_log_until_a_signal_stops_it_cleanly(
    data_dir: Path, tmp_path: Path, stop_signal: signal.Signals
) -> None:
    follower = python("-c", "from tracker.cli.main import cli; cli()", "projections", "run",
                      "--data", str(data_dir), "--poll", "0.05", "--batch-size", "20")
    try:
        assert follower.stdout is not None
        lines = [follower.stdout.readline() for _ in range(2)]
        assert lines[0] == "Rebuilding the views in place: the views have not been built yet.\n"
        assert lines[1].startswith("Following the event log from position 0")
        app = sqlite_app(data_dir / "events.sqlite3")
        add_activity_to(app, 25)
        head = app.head()
        app.close()
        wait_for(lambda: _position(data_dir) == head, progress=lambda: _position(data_dir))
        follower.send_signal(stop_signal)
        out, err = follower.communicate(timeout=HANG)
    finally:
        reap([follower])

    assert follower.returncode == 0, err
    assert out.splitlines()[-1] == f"Stopped at position {head:,} ({head:,} events applied)."
    assert "lag 0" in out
    assert dump_file(data_dir / "views.sqlite3") == clean_views(data_dir, tmp_path)


def _position(data: Path) -> int:
    db = open_views(data / "views.sqlite3")
    try:
        return min((p for _, p in positions(db).values()), default=0)
    finally:
        db.close()


@pytest.mark.slow  # spawns processes
def test_run_stops_at_a_batch_boundary_when_signalled_mid_catch_up(
    data_dir: Path, tmp_path: Path
) -> None:
    """A backlog in one-event batches: SIGTERM arrives during the catch-up, and the process
    exits cleanly with the views exactly as a build up to where it stopped."""
    follower = python("-c", "from tracker.cli.main import cli; cli()", "projections", "run",
                      "--data", str(data_dir), "--batch-size", "1")
    try:
        assert follower.stdout is not None
        follower.stdout.readline()
        follower.stdout.readline()
        wait_for(lambda: _position(data_dir) > 0)
        follower.send_signal(signal.SIGTERM)
        out, err = follower.communicate(timeout=HANG)
    finally:
        reap([follower])

    assert follower.returncode == 0, err
    stopped = int(out.splitlines()[-1].split()[3].replace(",", "").rstrip("."))
    assert 0 < stopped <= head_of(data_dir)
    assert dump_file(data_dir / "views.sqlite3") == clean_views(data_dir, tmp_path, until=stopped)
