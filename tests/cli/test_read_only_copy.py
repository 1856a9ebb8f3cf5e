"""An auditor handed a read-only copy of a data directory can read it: history, as-of, diff,
verify, user list and a backup to elsewhere work; commands that would write are refused with a
clear message, never a traceback. (Run as an unprivileged user when the tests run as root, for
whom no file is read-only.)"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import cx

pytestmark = pytest.mark.slow  # every test spawns processes
NOBODY = 65534
COMMAND = shutil.which("cx-tracker", path=str(Path(sys.executable).parent)) or "cx-tracker"


@pytest.fixture
def read_only_copy(installation: Path) -> Iterator[tuple[Path, Path]]:
    """(the read-only data directory, a writable place beside it), both reachable by `nobody`."""
    assert cx("seal", "--data", installation).exit_code == 0  # a ledger and seals in the copy too
    assert cx("history", "--data", installation).exit_code == 0  # and views
    root = Path(tempfile.mkdtemp(prefix="cx-read-only-"))
    root.chmod(0o755)
    data, out = root / "data", root / "out"
    shutil.copytree(installation, data)
    out.mkdir()
    out.chmod(0o777)
    for path in [data, *data.iterdir()]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield data, out
    finally:
        data.chmod(0o755)
        shutil.rmtree(root)


def run(*args: object) -> subprocess.CompletedProcess[str]:
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, COMMAND, *map(str, args)], check=False, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "HOME": "/tmp"})


@pytest.mark.parametrize("command", [["history"], ["history", "--format", "csv"], ["as-of", "2030-01-01"],
                                     ["diff", "2020-01-01", "2030-01-01"], ["verify"], ["user", "list"],
                                     ["projections", "status"]])
def test_reading_commands_work_on_a_read_only_copy(read_only_copy: tuple[Path, Path], command: list[str]) -> None:
    data, _ = read_only_copy
    before = {p.name: p.stat().st_mtime_ns for p in data.iterdir()}
    result = run(*command, "--data", data)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in data.iterdir()} == before  # nothing written


def test_the_copy_shows_what_the_original_shows(installation: Path, read_only_copy: tuple[Path, Path]) -> None:
    data, _ = read_only_copy
    assert run("history", "--data", data).stdout == cx("history", "--data", installation).output
    assert "cco@example.com" in run("user", "list", "--data", data).stdout


def test_a_backup_of_a_read_only_copy_goes_elsewhere_and_checks(read_only_copy: tuple[Path, Path]) -> None:
    data, out = read_only_copy
    result = run("backup", out / "backup", "--data", data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: backup" in result.stdout
    assert stat.S_IMODE((out / "backup" / "events.sqlite3").stat().st_mode) == 0o600


@pytest.mark.parametrize("command", [["user", "add", "x@example.com", "--name", "X", "--password",
                                      "long-password", "--as", "cco@example.com"],
                                     ["projections", "rebuild"], ["backup", "inside"]])
def test_writing_is_refused_with_a_message(read_only_copy: tuple[Path, Path], command: list[str]) -> None:
    data, _ = read_only_copy
    status = 1  # refused
    if command == ["backup", "inside"]:
        command, status = ["backup", data / "inside"], 2  # an unusable destination is bad input
    result = run(*command, "--data", data)
    assert result.returncode == status, result.stdout + result.stderr
    assert "Error: " in result.stderr and "Traceback" not in result.stderr
