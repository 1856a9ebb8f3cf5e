"""`cx-tracker demo`: seeds an empty data dir, prints the accounts, then serves (or not)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import tracker.cli.demo as demo_command
from tests.cli.support import DEMO_DAY, PASSWORD, cx, log, open_data, raw_log, refused_cleanly
from tests.waiting import HANG
from tracker.config import DataDir, resolve_data_dir
from tracker.demo import accounts

DAY = DEMO_DAY.isoformat()


def console_script() -> str:
    """The installed `cx-tracker` entry point, beside this Python (a venv) or on the PATH."""
    beside = Path(sys.executable).with_name("cx-tracker")
    found = str(beside) if beside.exists() else shutil.which("cx-tracker")
    if found is None:  # pragma: no cover - the project is installed to run its tests
        pytest.fail("the cx-tracker console script is not installed")
    return found


def run_demo(data: Path, *more: str):  # type: ignore[no-untyped-def]
    return cx("demo", "--no-serve", "--data", data, "--today", DAY, *more)


def snapshot(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def test_help_lists_the_init_user_and_demo_commands() -> None:
    result = cx("--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1]
    assert {"init", "user", "demo"} <= {line.split()[0] for line in commands.splitlines() if line.strip()}


def test_demo_help_documents_its_options_but_not_the_hidden_today() -> None:
    result = cx("demo", "--help")
    assert result.exit_code == 0
    for option in ("--data", "--host", "--port", "--no-serve", "--password"):
        assert option in result.output
    assert "--today" not in result.output


def test_demo_writes_a_store_and_prints_every_account_with_the_password(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    result = run_demo(data)
    assert result.exit_code == 0, result.output
    for account in accounts():
        assert account.email in result.output
    assert "lead.customer-service@example.com" in result.output
    assert "Executive viewer" in result.output and "Auditor" in result.output
    assert "Password for every account: demo-password" in result.output
    assert "Seeding:" in result.output and "100%" in result.output
    app = open_data(data)
    written = app.head()
    assert f"{written} events written" in result.output
    assert Counter(e.topic for e in log(app))["commitment/Made"] == 40
    assert app.authenticate("lead.customer-service@example.com", "demo-password") is not None
    app.close()


def test_demo_uses_the_data_dir_from_the_environment(tmp_path: Path) -> None:
    data = tmp_path / "from-env"
    result = cx("demo", "--no-serve", "--today", DAY, env={"CX_TRACKER_DATA": str(data)})
    assert result.exit_code == 0, result.output
    assert (data / "events.sqlite3").exists()


def test_demo_accepts_an_empty_existing_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert run_demo(tmp_path / "empty").exit_code == 0


def test_two_demo_runs_on_the_same_day_write_identical_histories(tmp_path: Path) -> None:
    assert run_demo(tmp_path / "one").exit_code == 0
    assert run_demo(tmp_path / "two").exit_code == 0
    one, two = open_data(tmp_path / "one"), open_data(tmp_path / "two")
    assert raw_log(one) == raw_log(two)
    assert len(raw_log(one)) > 300
    one.close()
    two.close()


def test_every_demo_account_signs_in_with_a_chosen_password(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo", "--password", "open-sesame")
    assert result.exit_code == 0, result.output
    assert "Password for every account: open-sesame" in result.output
    app = open_data(tmp_path / "demo")
    for account in accounts():
        assert (app.authenticate(account.email, "open-sesame") is not None) == account.active
    app.close()


def test_demo_refuses_a_data_dir_that_is_not_empty_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "busy"
    data.mkdir()
    (data / "notes.txt").write_text("keep me")
    result = run_demo(data)
    assert refused_cleanly(result, 1)
    assert "is not empty" in result.output
    assert snapshot(data) == {"notes.txt": b"keep me"}


def test_demo_refuses_an_existing_installation_and_leaves_its_history_alone(installation: Path) -> None:
    before = snapshot(installation)
    result = run_demo(installation)
    assert refused_cleanly(result, 1)
    assert snapshot(installation) == before


def test_demo_refuses_a_path_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run_demo(tmp_path / "file")
    assert refused_cleanly(result, 1)
    assert "is not a directory" in result.output


def test_demo_with_a_missing_parent_dir_explains_the_problem_without_a_traceback(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "missing" / "demo")
    assert refused_cleanly(result, 1)
    assert "does not exist" in result.output
    assert not (tmp_path / "missing").exists()


def test_demo_with_a_short_password_is_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo", "--password", "short")
    assert refused_cleanly(result, 2)
    assert "password: must be at least 8 characters" in result.output
    assert not (tmp_path / "demo").exists()


def test_demo_with_a_malformed_today_is_bad_input(tmp_path: Path) -> None:
    result = cx("demo", "--no-serve", "--data", tmp_path / "demo", "--today", "23/11/2026")
    assert result.exit_code == 2
    assert not (tmp_path / "demo").exists()


def test_without_no_serve_the_demo_serves_the_web_ui_after_printing_the_accounts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[DataDir, str, int]] = []
    monkeypatch.setattr(demo_command, "serve_web", lambda *args: served.append(args))
    data = tmp_path / "demo"
    result = cx("demo", "--data", data, "--today", DAY, "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert served == [(resolve_data_dir(data), "0.0.0.0", 8123)]


class FakeEntryPoint:
    def __init__(self, server: object) -> None:
        self.server = server

    def load(self) -> object:
        return self.server


def test_the_serve_step_runs_the_installed_web_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, str, int]] = []
    monkeypatch.setattr(demo_command, "entry_points",
                        lambda **kw: [FakeEntryPoint(lambda *a: calls.append(a))] if kw == {
                            "group": "cx_tracker.server", "name": "web"} else [])
    result = cx("demo", "--data", tmp_path / "demo", "--today", DAY, "--port", "5001")
    assert result.exit_code == 0, result.output
    assert calls == [(str(tmp_path / "demo"), "127.0.0.1", 5001)]
    assert "Sign in at http://127.0.0.1:5001/" in result.output


def test_without_a_web_server_the_serve_step_says_so_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_command, "entry_points", lambda **kw: [])
    result = cx("demo", "--data", tmp_path / "demo", "--today", DAY)
    assert result.exit_code == 0, result.output
    assert "Web UI: not available" in result.output and "the data is ready" in result.output


def test_a_port_already_in_use_is_refused_with_a_hint_and_the_data_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: object) -> None:
        raise OSError(98, "Address already in use")

    monkeypatch.setattr(demo_command, "entry_points", lambda **kw: [FakeEntryPoint(busy)])
    result = cx("demo", "--data", tmp_path / "demo", "--today", DAY)
    assert refused_cleanly(result, 1)
    assert "Address already in use" in result.output and "cx-tracker serve" in result.output
    assert (tmp_path / "demo" / "events.sqlite3").exists()


def clean_env() -> dict[str, str]:
    drop = {"CX_TRACKER_DATA", "CX_TRACKER_AS", "PERSISTENCE_MODULE", "SQLITE_DBNAME"}
    return {k: v for k, v in os.environ.items() if k not in drop}


@pytest.mark.slow  # spawns processes
def test_the_installed_console_script_lists_its_commands() -> None:
    done = subprocess.run([console_script(), "--help"], capture_output=True, text=True,
                          timeout=HANG, env=clean_env(), check=False)
    assert done.returncode == 0, done.stderr
    for command in ("init", "user", "demo"):
        assert f"  {command} " in done.stdout


@pytest.mark.slow  # spawns processes
def test_the_installed_console_script_creates_the_demo_end_to_end(tmp_path: Path) -> None:
    """The real thing: a separate process, real password hashing, a real SQLite store."""
    data = tmp_path / "demo"
    done = subprocess.run(
        [console_script(), "demo", "--no-serve", "--data", str(data), "--today", DAY],
        capture_output=True, text=True, timeout=HANG, env=clean_env(), check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "cco@example.com" in done.stdout and "demo-password" in done.stdout
    assert "Traceback" not in done.stderr
    app = open_data(data)
    assert f"{app.head()} events written" in done.stdout
    assert app.authenticate("cco@example.com", "demo-password") is not None
    assert app.plan()["name"].startswith("Northwind")
    app.close()
    listed = cx("user", "list", "--data", data)
    assert listed.exit_code == 0 and "lead.hr@example.com" in listed.output
    assert PASSWORD not in listed.output


def test_demo_prints_a_read_only_api_token_for_the_executive(tmp_path: Path) -> None:
    result = run_demo(tmp_path / "demo")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = lines.index("Read-only REST API token for ceo@example.com (shown once):")
    secret = lines[at + 1].strip()
    app = open_data(tmp_path / "demo")
    used = app.use_token(secret)
    assert used is not None and not used.may_write
    assert app.member(used.member_id)["email"] == "ceo@example.com"
    app.close()
