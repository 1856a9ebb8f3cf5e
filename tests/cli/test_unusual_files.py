"""Broken or unusual files get a clear message, never a traceback: a views file full of junk is
replaced (views are disposable), a busy port for `serve` is refused with exit 1, and a failed
`init` leaves nothing behind so the corrected retry works."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.cli.support import PASSWORD, cx, refused_cleanly


def _junk(path: Path) -> None:
    path.write_bytes(os.urandom(64 * 1024))


@pytest.mark.parametrize("command", [["projections", "rebuild"], ["projections", "status"],
                                     ["projections", "run", "--once"], ["history"],
                                     ["as-of", "2030-01-01"], ["diff", "2020-01-01", "2030-01-01"]])
def test_a_views_file_full_of_junk_is_moved_aside_and_rebuilt(installation: Path, command: list[str]) -> None:
    _junk(installation / "views.sqlite3")
    result = cx(*command, "--data", installation)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert (installation / "views.sqlite3.broken").exists()
    again = cx("history", "--data", installation)  # and the new file works
    assert again.exit_code == 0 and "Registered" in again.output


def test_the_web_app_starts_over_a_views_file_full_of_junk(installation: Path) -> None:
    from web import create_app

    _junk(installation / "views.sqlite3")
    app = create_app({"DATA_DIR": str(installation), "TESTING": True, "SECRET_KEY": "k"})
    try:
        assert app.test_client().get("/login").status_code == 200
        assert (installation / "views.sqlite3.broken").exists()
    finally:
        app.extensions["cx"].close()
        app.extensions["cx"].tracker.accounts.close()


def test_serve_on_a_busy_port_says_so_and_exits_1(installation: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cx("serve", "--data", installation, "--port", port)
    assert refused_cleanly(result, 1), result.output
    assert f"cannot serve on 127.0.0.1:{port}" in result.output and "another --port" in result.output


@pytest.mark.parametrize("exists", [False, True], ids=["new-dir", "empty-dir"])
def test_a_failed_init_leaves_nothing_behind_and_the_retry_works(tmp_path: Path, exists: bool) -> None:
    data = tmp_path / "data"
    if exists:
        data.mkdir()
    bad = cx("init", "--data", data, "--plan", "P", "--email", "not-an-email", "--name", "C",
             "--password", PASSWORD)
    assert refused_cleanly(bad, 2) and "email" in bad.output
    assert data.exists() is exists and (not exists or not any(data.iterdir()))
    good = cx("init", "--data", data, "--plan", "P", "--email", "cco@example.com", "--name", "C",
              "--password", PASSWORD)
    assert good.exit_code == 0, good.output
