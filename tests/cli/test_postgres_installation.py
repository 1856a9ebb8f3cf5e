"""An installation whose events live in PostgreSQL: init once, then any number of servers, each
with its own data directory, sharing members, passwords and sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import PASSWORD, cx, open_data, refused_cleanly
from tests.postgres import fresh_schema
from tracker.domain import member_id


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """The library's settings for a fresh schema, set in the environment as an operator would."""
    with fresh_schema() as env:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield env


def init(data: Path) -> object:
    return cx("init", "--data", data, "--plan", "Acme", "--vision", "Customers never chase us.",
              "--email", "cco@example.com", "--name", "Cara Cole", "--password", PASSWORD)


def test_a_second_data_directory_on_the_shared_store_is_a_second_server(
        shared: dict[str, str], tmp_path: Path) -> None:
    first = init(tmp_path / "one")
    assert first.exit_code == 0, first.output  # type: ignore[attr-defined]
    added = cx("user", "add", "--data", tmp_path / "one", "--as", "cco@example.com",
               "lead.it@example.com", "--name", "Ian T", "--password", PASSWORD)
    assert added.exit_code == 0, added.output
    # The second server's directory did not exist: opening it makes it and finds the same members.
    app = open_data(tmp_path / "two")
    try:
        assert (tmp_path / "two").is_dir()
        assert app.accounts.verify("lead.it@example.com", PASSWORD) == member_id("lead.it@example.com")
        token = app.accounts.open_session(member_id("lead.it@example.com"))
        other = open_data(tmp_path / "one")
        try:
            assert other.accounts.session_member(token) == member_id("lead.it@example.com")
            other.accounts.end_sessions(member_id("lead.it@example.com"))
        finally:
            other.close()
        assert app.accounts.session_member(token) is None  # ended on the other server
    finally:
        app.close()
    assert not (tmp_path / "one" / "accounts.sqlite3").exists()


@pytest.mark.parametrize("command", ["init", "demo"])
def test_init_and_demo_refuse_a_store_that_holds_an_installation_and_leave_nothing_behind(
        shared: dict[str, str], tmp_path: Path, command: str) -> None:
    assert init(tmp_path / "one").exit_code == 0  # type: ignore[attr-defined]
    target = tmp_path / "new"
    if command == "init":
        result = init(target)
    else:
        result = cx("demo", "--data", target, "--no-serve")
    assert refused_cleanly(result, 1), result.output  # type: ignore[arg-type]
    assert "already holds an installation" in result.output  # type: ignore[attr-defined]
    assert "serve --data NEW_DIR" in result.output  # type: ignore[attr-defined]
    assert not target.exists()


def test_an_empty_shared_store_asks_for_init(shared: dict[str, str], tmp_path: Path) -> None:
    result = cx("projections", "status", "--data", tmp_path / "x")
    assert refused_cleanly(result, 1), result.output
    assert "is empty: run 'cx-tracker init' first" in result.output
    assert not (tmp_path / "x").exists()


def test_db_functions_are_refused_at_start_up(shared: dict[str, str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_ENABLE_DB_FUNCTIONS", "y")
    result = init(tmp_path / "one")
    assert refused_cleanly(result, 1), result.output  # type: ignore[arg-type]
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "one").exists()


@pytest.mark.parametrize("variable", ["POSTGRES_ENABLE_DB_FUNCTIONS", "CXTRACKER_POSTGRES_ENABLE_DB_FUNCTIONS"])
@pytest.mark.parametrize("command", [["projections", "status"], ["seal"], ["verify"], ["backup"]])
def test_db_functions_are_refused_by_every_command_on_an_existing_installation(
        shared: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        variable: str, command: list[str]) -> None:
    assert init(tmp_path / "one").exit_code == 0  # type: ignore[attr-defined]
    monkeypatch.setenv(variable, "true")
    args = [*command, tmp_path / "dest"] if command == ["backup"] else command
    result = cx(*args, "--data", tmp_path / "one")
    assert refused_cleanly(result, 1), result.output
    assert "POSTGRES_ENABLE_DB_FUNCTIONS is set" in result.output and "unset it" in result.output
    assert not (tmp_path / "dest").exists()
