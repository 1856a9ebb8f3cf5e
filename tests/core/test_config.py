"""Where an installation keeps its data, and the clear errors when it cannot be used."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FAST_HASHER, PASSWORD
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.config import (
    DATA_ENV, ConfigError, DataDir, open_tracker, prepare, resolve_data_dir,
)

STORE_VARIABLES = ("PERSISTENCE_MODULE", "CXTRACKER_PERSISTENCE_MODULE", "SQLITE_DBNAME",
                   "CXTRACKER_SQLITE_DBNAME", DATA_ENV)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No store settings leak in from the environment; the working directory is a scratch one."""
    for name in STORE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.mark.parametrize(("option", "env", "expected"), [
    ("from-option", "from-env", "from-option"),
    (None, "from-env", "from-env"),
    ("", "from-env", "from-env"),
    (None, None, "cx-tracker-data"),
    (None, "", "cx-tracker-data"),
])
def test_the_data_dir_comes_from_the_option_then_the_environment_then_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, option: str | None, env: str | None,
    expected: str,
) -> None:
    if env is not None:
        monkeypatch.setenv(DATA_ENV, env)
    assert resolve_data_dir(option).path == tmp_path / "cwd" / expected


def test_the_data_dir_is_an_absolute_path_that_survives_a_change_of_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = resolve_data_dir("relative/data")
    monkeypatch.chdir(tmp_path)
    assert data.path.is_absolute() and data.path == tmp_path / "cwd" / "relative" / "data"


def test_the_data_dir_expands_the_home_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_dir("~/cx").path == tmp_path / "home" / "cx"


def test_the_data_dir_holds_the_three_stores(tmp_path: Path) -> None:
    data = DataDir(tmp_path)
    assert (data.events.name, data.accounts.name, data.views.name) == (
        "events.sqlite3", "accounts.sqlite3", "views.sqlite3")


def test_a_data_dir_whose_parent_is_missing_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "missing" / "data")
    with pytest.raises(ConfigError) as caught:
        prepare(data)
    message = str(caught.value)
    assert str(data.path) in message and "parent" in message and str(tmp_path / "missing") in message
    assert not (tmp_path / "missing").exists()


def test_a_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a directory")
    with pytest.raises(ConfigError, match="not a directory"):
        prepare(DataDir(tmp_path / "data"))


def test_preparing_creates_the_data_dir_only(tmp_path: Path) -> None:
    prepare(DataDir(tmp_path / "data"))
    assert (tmp_path / "data").is_dir() and list((tmp_path / "data").iterdir()) == []


@pytest.mark.parametrize("state", ["nonexistent", "empty"])
def test_opening_without_create_needs_an_existing_installation(tmp_path: Path, state: str) -> None:
    data = DataDir(tmp_path / "data")
    if state == "empty":
        data.path.mkdir()
    with pytest.raises(ConfigError, match="cx-tracker init") as caught:
        open_tracker(data)
    assert str(data.path) in str(caught.value)
    assert list(tmp_path.glob("data/*")) == []


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[DataDir]:
    """An installation's files: an event store with a plan, and an accounts store."""
    data = prepare(DataDir(tmp_path / "data"))
    app = CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                         "SQLITE_DBNAME": str(data.events)},
                    accounts=Accounts(data.accounts, hasher=FAST_HASHER))
    app.initialise(plan_name="Acme CX plan", vision="", email="cco@example.com", name="Cara",
                   password=PASSWORD)
    app.close()
    app.accounts.close()
    yield data


def test_an_installation_made_with_create_opens_again_with_its_history(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    app = open_tracker(data, create=True)
    try:
        app.initialise(plan_name="Acme CX plan", vision="", email="cco@example.com", name="Cara",
                       password=PASSWORD)
    finally:
        app.close()
        app.accounts.close()
    assert data.events.is_file() and data.accounts.is_file()
    app = open_tracker(data)
    try:
        assert app.plan()["name"] == "Acme CX plan"
        assert app.authenticate("cco@example.com", PASSWORD) is not None
    finally:
        app.close()
        app.accounts.close()


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not an SQLite database, just some text" * 50)


def _truncated(path: Path) -> None:
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


def _damaged_header(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[100:600] = bytes(500)
    path.write_bytes(bytes(content))


@pytest.mark.parametrize("damage", [_garbage, _truncated, _damaged_header],
                         ids=["garbage", "truncated", "damaged-header"])
@pytest.mark.parametrize("store", ["events", "accounts"])
@pytest.mark.parametrize("create", [False, True], ids=["open", "create"])
def test_a_corrupt_store_is_refused_with_a_message_naming_the_file(
    installation: DataDir, damage: object, store: str, create: bool
) -> None:
    path: Path = getattr(installation, store)
    _checkpoint(path)
    damage(path)  # type: ignore[operator]
    with pytest.raises(ConfigError) as caught:
        open_tracker(installation, create=create)
    assert str(path) in str(caught.value)
    assert "backup" in str(caught.value)


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the main file, so damaging the file damages the store."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()
    for leftover in path.parent.glob(path.name + "-*"):
        leftover.unlink()


def test_a_copied_installation_opens_where_it_now_lives(installation: DataDir, tmp_path: Path) -> None:
    _checkpoint(installation.events)
    _checkpoint(installation.accounts)
    shutil.copytree(installation.path, tmp_path / "copy")
    app = open_tracker(DataDir(tmp_path / "copy"))
    try:
        assert app.has_plan()
    finally:
        app.close()
        app.accounts.close()


@pytest.mark.parametrize("name", ["SQLITE_DBNAME", "CXTRACKER_SQLITE_DBNAME"])
def test_an_sqlite_file_named_in_the_environment_cannot_replace_the_data_dirs_event_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    data = resolve_data_dir(str(tmp_path / "data"))
    open_tracker(data, create=True).close()
    monkeypatch.setenv(name, str(tmp_path / "other.sqlite3"))
    with pytest.raises(ConfigError, match=f"{name} is set to .*other.sqlite3.*unset {name}"):
        open_tracker(data)
    assert not (tmp_path / "other.sqlite3").exists()
    monkeypatch.setenv(name, str(data.events))  # naming the same file is harmless
    open_tracker(data).close()
