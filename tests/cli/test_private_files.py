"""The data directory and every file the commands create in it are private to their owner (0700
for directories, 0600 for files), whatever the umask of the shell that ran them."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import PASSWORD, cx


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def assert_private(root: Path) -> None:
    found = modes(root)
    loose = {name: oct(mode) for name, mode in found.items() if mode & 0o077}
    assert not loose, f"readable by others: {loose}"
    assert found["."] == 0o700


def test_init_rebuild_seal_and_backup_create_private_files(tmp_path: Path, open_umask: None) -> None:
    data, copy = tmp_path / "data", tmp_path / "copy"
    assert cx("init", "--data", data, "--plan", "P", "--email", "cco@example.com", "--name", "C",
              "--password", PASSWORD).exit_code == 0
    assert {"events.sqlite3", "accounts.sqlite3"} <= set(modes(data))
    assert_private(data)
    for command in (["projections", "rebuild"], ["seal"], ["history"]):
        result = cx(*command, "--data", data)
        assert result.exit_code == 0, result.output
    assert {"views.sqlite3", "seals.jsonl"} <= set(modes(data))
    assert_private(data)
    result = cx("backup", copy, "--data", data)
    assert result.exit_code == 0, result.output
    assert_private(copy)


def test_the_shells_umask_is_given_back_after_a_command(tmp_path: Path, open_umask: None) -> None:
    cx("init", "--data", tmp_path / "data", "--plan", "P", "--email", "cco@example.com", "--name", "C",
       "--password", PASSWORD)
    assert os.umask(0o022) == 0o022


def test_an_existing_data_directory_keeps_the_permissions_its_owner_gave_it(
    tmp_path: Path, open_umask: None
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o750)
    data.chmod(0o750)
    assert cx("init", "--data", data, "--plan", "P", "--email", "cco@example.com", "--name", "C",
              "--password", PASSWORD).exit_code == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o750
    assert stat.S_IMODE((data / "events.sqlite3").stat().st_mode) == 0o600
