"""A web process gets its read models ready before its first request: caught up to the head, and
rebuilt beside the live file (then swapped in) when they are stale, e.g. after an upgrade changed
a view's version."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from projections.database import open_views, positions
from projections.runner import Runner
from projections.views import all_views
from tests.conftest import Org
from web import create_app


def view_positions(data_dir: Path) -> dict[str, tuple[int, int]]:
    db = open_views(data_dir / "views.sqlite3")
    try:
        return positions(db)
    finally:
        db.close()


def expected(head: int) -> dict[str, tuple[int, int]]:
    return {v.name: (v.version, head) for v in all_views()}


def start(data_dir: Path) -> None:
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "SECRET_KEY": "test-secret"})
    app.extensions["cx"].close()  # its stores: a PostgreSQL connection must not be left open


def test_a_new_installation_starts_with_views_caught_up_to_the_head(web_org: Org, data_dir: Path) -> None:
    head = web_org.app.recorder.max_notification_id()
    assert head and head > 10
    start(data_dir)
    assert view_positions(data_dir) == expected(head)


def test_views_behind_the_log_are_caught_up_at_start_not_in_the_first_request(
    web_org: Org, data_dir: Path
) -> None:
    db = open_views(data_dir / "views.sqlite3")
    Runner(web_org.app, db, all_views()).catch_up(5)
    db.close()
    start(data_dir)
    assert view_positions(data_dir) == expected(web_org.app.recorder.max_notification_id())


def test_views_of_an_older_code_version_are_rebuilt_beside_the_live_file_before_serving(
    web_org: Org, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = open_views(data_dir / "views.sqlite3")
    Runner(web_org.app, db, all_views()).catch_up()
    db.execute("UPDATE _positions SET version = version - 1 WHERE view = 'board'")
    db.close()
    with caplog.at_level(logging.INFO):
        start(data_dir)
    assert view_positions(data_dir) == expected(web_org.app.recorder.max_notification_id())
    assert "Building the read models from the log" in caplog.text and "Rebuilt the read models" in caplog.text
    assert not (data_dir / "views.sqlite3.rebuild").exists()


def test_before_serving_what_start_up_built_is_moved_out_of_the_collector_s_way() -> None:
    import gc

    from web.cli import settle_heap

    assert gc.get_freeze_count() == 0
    built = [object() for _ in range(10)]  # noqa: F841 - start-up's objects stand in here
    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_count()[0] < 10  # collected first: no young garbage is frozen with it
    finally:
        gc.unfreeze()
