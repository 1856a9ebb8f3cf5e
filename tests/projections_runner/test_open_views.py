"""Opening a views file: several processes starting on the same new file at the same moment
(servers, `projections run`, a CLI command) all open it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from projections.database import open_views
from tests.projections_runner.conftest import python, reap
from tests.waiting import HANG, start_together

OPENER = """
import sys, time
from projections.database import open_views
print("ready", flush=True)
start = float(sys.stdin.readline())
while time.time() < start:
    pass
db = open_views(sys.argv[1])
print(db.execute("PRAGMA journal_mode").fetchone()[0], sorted(db.table_names()))
"""


@pytest.mark.slow  # spawns processes
def test_processes_opening_one_new_views_file_at_once_all_succeed(tmp_path: Path) -> None:
    for round_ in range(10):
        path = tmp_path / f"views-{round_}.sqlite3"
        openers = [python("-c", OPENER, str(path), stdin=subprocess.PIPE) for _ in range(6)]
        try:
            start_together(openers)
            results = [p.communicate(timeout=HANG) for p in openers]
        finally:
            reap(openers)

        assert [p.returncode for p in openers] == [0] * 6, [err for _, err in results]
        assert {out for out, _ in results} == {"wal ['_last_applied', '_positions']\n"}


def test_reopening_a_views_file_keeps_its_tables_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "views.sqlite3"
    first = open_views(path)
    first.execute("INSERT INTO _positions VALUES ('board', 1, 7)")
    first.close()

    again = open_views(path)
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.execute("SELECT * FROM _positions").fetchall() == [("board", 1, 7)]
    again.close()
