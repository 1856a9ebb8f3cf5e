"""`cx-tracker history | head -1`: the reader stops early and the command ends quietly, status 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.support import open_data
from tracker.domain import member_id


@pytest.mark.slow  # spawns a process
def test_history_into_a_reader_that_stops_after_one_line_exits_0_without_a_traceback(
    installation: Path,
) -> None:
    app = open_data(installation)
    cco = member_id("cco@example.com")
    made = app.make_commitment(cco, department="it", title="Keep the status page honest",
                               due_date="2026-12-31", owner="cco@example.com").id
    for percent in range(1, 100):  # far more output than a pipe holds (64 KiB)
        app.report_progress(cco, made, percent=percent, note="A long note. " * 40)
    app.close()
    command = shutil.which("cx-tracker", path=str(Path(sys.executable).parent)) or "cx-tracker"
    process = subprocess.Popen([command, "history", "--data", str(installation)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    errors = process.stderr.read().decode()
    process.stderr.close()
    status = process.wait(timeout=120)
    assert first.startswith(b"#1 ")
    assert status == 0, errors
    assert "Traceback" not in errors and "Error" not in errors and "Exception" not in errors
