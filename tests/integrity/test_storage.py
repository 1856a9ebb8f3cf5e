"""What the write model can load, verify reads; a store that is gone or emptied is never a new
one; odd SQLite storage is reported, never a traceback; backup never claims events it lacks."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from uuid import UUID

import pytest

from tests.cli.support import cx, refused_cleanly
from tests.integrity.support import seal, sqlite_app, stored_row, tamper
from tracker.config import ConfigError, DataDir, open_tracker

MADE = "cx-tracker/commitment/Made"


def divergence_at(output: str) -> int:
    found = re.search(r"DIVERGENCE at position (-?\d+)", output)
    assert found, output
    return int(found.group(1))


def newest_version_of_a_commitment(data: Path) -> tuple[str, int, int]:
    """(aggregate id, its last version, the position of that version) of the first commitment."""
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        originator = db.execute("SELECT originator_id FROM stored_events WHERE topic = ? ORDER BY rowid"
                                " LIMIT 1", (MADE,)).fetchone()[0]
        version, position = db.execute(
            "SELECT originator_version, rowid FROM stored_events WHERE originator_id = ?"
            " ORDER BY originator_version DESC LIMIT 1", (originator,)).fetchone()
    finally:
        db.close()
    return originator, version, position


def insert_next_version_at(data: Path, rowid: int) -> str:
    """A copy of a commitment's last event as its next version, at `rowid`: the repository loads it."""
    originator, version, position = newest_version_of_a_commitment(data)
    _, _, topic, state = stored_row(data, position)
    tamper(data, f"INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state)"
                 f" VALUES ({rowid}, '{originator}', {version + 1}, '{topic}', X'{state.hex()}')")
    return originator


@pytest.mark.parametrize("rowid", [0, -1, -(2**63)])
def test_a_row_below_the_log_that_the_repository_loads_is_flagged_by_verify(demo: Path, rowid: int) -> None:
    seal(demo)
    originator = insert_next_version_at(demo, rowid)
    app = sqlite_app(demo)
    assert app.repository.get(UUID(originator)).version >= 2  # the write model does load it
    app.close()
    result = cx("verify", "--data", demo)
    assert result.exit_code == 1
    assert divergence_at(result.stdout) == rowid
    assert "outside the log's order" in result.stdout
    assert "FAILS" in result.stdout  # and the chain no longer matches the seal


@pytest.mark.parametrize("command", [
    ["history"], ["as-of", "2026-11-01"], ["diff", "2026-10-01", "2026-11-01"], ["user", "list"],
    ["projections", "status"],
])
def test_every_reader_refuses_a_store_with_rows_outside_the_log(demo: Path, command: list[str]) -> None:
    insert_next_version_at(demo, 0)
    result = cx(*command, "--data", demo)
    assert refused_cleanly(result, 1), result.output
    assert "outside the log's order" in result.output and "cx-tracker verify" in result.output


def test_seal_and_export_refuse_rows_outside_the_log(demo: Path, tmp_path: Path) -> None:
    insert_next_version_at(demo, -5)
    result = cx("seal", "--data", demo)
    assert refused_cleanly(result, 1) and "position -5" in result.output
    result = cx("export", tmp_path / "b.jsonl", "--data", demo)
    assert refused_cleanly(result, 1) and not (tmp_path / "b.jsonl").exists()


def test_the_web_refuses_to_start_on_rows_outside_the_log(demo: Path) -> None:
    insert_next_version_at(demo, 0)
    with pytest.raises(ConfigError, match="outside the log's order"):
        open_tracker(DataDir(demo))


def test_an_aggregates_versions_out_of_order_are_flagged_without_any_seal(demo: Path) -> None:
    originator, version, position = newest_version_of_a_commitment(demo)
    earlier = position - 1
    while stored_row(demo, earlier)[:2] != (originator, version - 1):
        earlier -= 1
    # Swap the places of the aggregate's last two versions.
    tamper(demo, f"UPDATE stored_events SET rowid = -7 WHERE rowid = {position}",
           f"UPDATE stored_events SET rowid = {position} WHERE rowid = {earlier}",
           f"UPDATE stored_events SET rowid = {earlier} WHERE rowid = -7")
    result = cx("verify", "--data", demo)
    assert result.exit_code == 1
    assert divergence_at(result.stdout) == earlier
    assert f"version {version} of this aggregate follows its version {version - 2}" in result.stdout
    assert f"version {version - 1} of this aggregate comes after its version {version}" in result.stdout


@pytest.mark.parametrize(("column", "value", "says"), [
    ("state", "CAST(state AS TEXT)", "state is stored as SQLite TEXT (the store writes BLOB)"),
    ("state", "NULL", "state is stored as SQLite NULL"),
    ("originator_id", "CAST(originator_id AS BLOB)", "originator_id is stored as SQLite BLOB"),
    ("topic", "CAST(topic AS BLOB)", "topic is stored as SQLite BLOB"),
    ("originator_version", "'x' || originator_version", "originator_version is stored as SQLite TEXT"),
    ("originator_version", "originator_version + 0.5", "originator_version is stored as SQLite REAL"),
])
def test_odd_storage_classes_are_a_divergence_at_their_position(
        demo: Path, column: str, value: str, says: str) -> None:
    seal(demo)
    tamper(demo, f"UPDATE stored_events SET {column} = {value} WHERE rowid = 60")
    result = cx("verify", "--data", demo)
    assert refused_cleanly(result, 1)  # a report, not a traceback
    assert divergence_at(result.stdout) == 60
    assert says in result.stdout
    unsealed = cx("verify", "--data", demo, "--seals", seals_without_any(demo))
    assert unsealed.exit_code == 1 and divergence_at(unsealed.stdout) == 60  # found without a seal too


def seals_without_any(data: Path) -> Path:
    empty = data.parent / "no-seals.jsonl"
    empty.write_text("")
    (data / "integrity.sqlite3").unlink(missing_ok=True)
    return empty


@pytest.mark.parametrize("damage", ["deleted", "emptied", "no table"])
@pytest.mark.parametrize("command", [["history"], ["verify"], ["seal"], ["user", "list"],
                                     ["as-of", "2026-11-01"], ["backup", "DEST"]])
def test_a_missing_or_emptied_event_store_is_refused_never_recreated(
        demo: Path, tmp_path: Path, damage: str, command: list[str]) -> None:
    events = demo / "events.sqlite3"
    if damage == "deleted":
        events.unlink()
    elif damage == "emptied":
        events.write_bytes(b"")
    else:
        tamper(demo, "DROP TABLE stored_events")
    before = events.read_bytes() if events.exists() else None
    args = [str(tmp_path / "dest") if a == "DEST" else a for a in command]
    result = cx(*args, "--data", demo)
    assert refused_cleanly(result, 1), result.output
    assert {"deleted": "is missing from this installation", "emptied": "is empty (0 bytes)",
            "no table": "holds no event log"}[damage] in result.output
    assert "restore it from a backup" in result.output
    assert (events.read_bytes() if events.exists() else None) == before  # nothing was created


def test_serve_refuses_a_missing_event_store_before_starting(demo: Path) -> None:
    (demo / "events.sqlite3").unlink()
    result = cx("serve", "--data", demo, "--port", "1")
    assert refused_cleanly(result, 1), result.output
    assert "is missing from this installation" in result.output
    assert not (demo / "events.sqlite3").exists()


def test_seal_with_no_new_events_appends_no_duplicate(demo: Path) -> None:
    first = seal(demo)
    second = cx("seal", "--data", demo)
    assert second.exit_code == 0
    assert json.loads(second.stdout)["position"] == first["position"]
    assert "No new events since the last seal" in second.stderr
    assert len((demo / "seals.jsonl").read_text().splitlines()) == 1
    assert cx("verify", "--data", demo).exit_code == 0


@pytest.mark.parametrize("variable", ["PERSISTENCE_MODULE", "CXTRACKER_PERSISTENCE_MODULE"])
def test_backup_on_postgresql_without_pg_dump_is_refused_before_connecting_naming_the_command(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "eventsourcing.postgres")
    monkeypatch.setenv("POSTGRES_HOST", "192.0.2.1")  # unreachable: the refusal must not connect
    monkeypatch.setenv("POSTGRES_DBNAME", "cx")
    monkeypatch.setenv("POSTGRES_SCHEMA", "acme")
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))  # no pg_dump on the PATH
    dest = tmp_path / "copy"
    result = cx("backup", dest, "--data", demo)
    assert refused_cleanly(result, 1), result.output
    assert "pg_dump is not installed" in result.output and "nothing was copied" in result.output
    assert (f"pg_dump --format=custom --schema=acme --file={dest}/postgres.dump "
            "'host=192.0.2.1 dbname=cx'") in " ".join(result.output.split())
    assert "OK" not in result.output and not dest.exists()


def test_backup_of_another_event_store_is_refused(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")
    dest = tmp_path / "copy"
    result = cx("backup", dest, "--data", demo)
    assert refused_cleanly(result, 1), result.output
    assert "would not hold the events" in result.output and not dest.exists()
