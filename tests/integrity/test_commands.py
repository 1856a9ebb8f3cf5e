"""seal, verify, export and backup on the command line: output, files written, exit statuses."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.support import cx, refused_cleanly
from tests.conftest import NOW
from tests.integrity.support import tamper, seal


def test_seal_prints_one_json_line_and_keeps_a_copy_in_the_data_directory(demo: Path) -> None:
    result = cx("seal", "--data", demo)
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    sealed = json.loads(line)
    assert set(sealed) == {"position", "events", "chain", "sealed_at"}
    assert sealed["sealed_at"] == NOW.isoformat() and len(sealed["chain"]) == 64
    assert "Sealed position" in result.stderr
    assert [json.loads(x) for x in (demo / "seals.jsonl").read_text().splitlines()] == [sealed]


def test_seal_as_text_prints_the_human_line(demo: Path) -> None:
    result = cx("seal", "--data", demo, "--format", "text")
    assert result.exit_code == 0
    assert result.stdout.startswith("Sealed position ") and "chain " in result.stdout


def test_verify_without_any_evidence_says_so_and_exits_3(demo: Path) -> None:
    seal(demo)
    change = "UPDATE stored_events SET topic = topic || 'x' WHERE rowid = 12"
    tamper(demo, change)
    (demo / "seals.jsonl").unlink()
    (demo / "integrity.sqlite3").unlink()
    result = cx("verify", "--data", demo)
    assert result.exit_code == 3
    assert "No seals to check against: integrity.sqlite3 and seals.jsonl are both missing" in result.stdout
    assert "NOT VERIFIED: there is nothing to check against" in result.stdout
    assert "OK" not in result.stdout
    head = len(sqlite3.connect(demo / "events.sqlite3").execute("SELECT rowid FROM stored_events").fetchall())
    assert f"any seal made at a position up to {head} can be checked here with --seals FILE" in result.stdout


def test_verify_uses_the_given_seals_files_instead_of_the_data_directorys(demo: Path, tmp_path: Path) -> None:
    sealed = seal(demo)
    kept = tmp_path / "mine.jsonl"
    kept.write_text(json.dumps({**sealed, "chain": "0" * 64}) + "\n")
    result = cx("verify", "--data", demo, "--seals", kept)
    assert result.exit_code == 1
    assert "FAILS: the chain differs" in result.stdout and "): ok" not in result.stdout


@pytest.mark.parametrize(("line", "message"), [
    ("not json", "line 2: not a JSON object"),
    ('{"position": 3, "events": 3, "chain": "xyz", "sealed_at": "2026-01-01T00:00:00+00:00"}',
     "line 2: chain must be 64 hexadecimal digits"),
    ('{"position": -1, "events": 0, "chain": "' + "0" * 64 + '", "sealed_at": "2026-01-01"}',
     "line 2: position must be a whole number"),
    ('{"position": 3, "events": 3, "chain": "' + "0" * 64 + '", "sealed_at": "yesterday"}',
     "line 2: sealed_at must be an ISO date-time"),
    ('{"position": 3, "events": 3}', "line 2: a seal is an object with exactly the keys"),
])
def test_a_malformed_seals_file_is_bad_input(demo: Path, tmp_path: Path, line: str, message: str) -> None:
    sealed = seal(demo)
    seals = tmp_path / "seals.jsonl"
    seals.write_text(json.dumps(sealed) + "\n" + line + "\n")
    result = cx("verify", "--data", demo, "--seals", seals)
    assert refused_cleanly(result, 2)
    assert f"{seals}, {message}" in result.output and "Checked" not in result.output


def test_a_missing_seals_file_is_bad_input(demo: Path, tmp_path: Path) -> None:
    result = cx("verify", "--data", demo, "--seals", tmp_path / "nope.jsonl")
    assert refused_cleanly(result, 2)
    assert "cannot read the seals file" in result.output


def test_a_malformed_seals_file_in_the_data_directory_is_bad_input_too(demo: Path) -> None:
    (demo / "seals.jsonl").write_text("{}\n")
    result = cx("verify", "--data", demo)
    assert refused_cleanly(result, 2)
    assert "seals.jsonl, line 1" in result.output


@pytest.mark.parametrize("command", [["seal"], ["verify"], ["export", "bundle.jsonl"], ["backup", "copy"]])
def test_every_command_refuses_a_data_directory_without_an_installation(tmp_path: Path, command: list[str]) -> None:
    args = [tmp_path / a if "." in a or a == "copy" else a for a in command]
    result = cx(*args, "--data", tmp_path / "nothing-here")
    assert refused_cleanly(result, 1)
    assert "no installation" in result.output
    assert not (tmp_path / "bundle.jsonl").exists() and not (tmp_path / "copy").exists()


def test_export_refuses_to_overwrite_a_file(demo: Path, tmp_path: Path) -> None:
    existing = tmp_path / "bundle.jsonl"
    existing.write_text("precious")
    result = cx("export", existing, "--data", demo)
    assert refused_cleanly(result, 2)
    assert "exists" in result.output and existing.read_text() == "precious"
    assert not (demo / "seals.jsonl").exists()


def test_export_into_a_missing_directory_is_bad_input(demo: Path, tmp_path: Path) -> None:
    result = cx("export", tmp_path / "no-such-dir" / "bundle.jsonl", "--data", demo)
    assert refused_cleanly(result, 2)
    assert "its directory does not exist" in result.output


def test_a_compressed_store_is_refused_with_the_reason(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPRESSOR_TOPIC", "eventsourcing.compressor:ZlibCompressor")
    result = cx("seal", "--data", demo)
    assert refused_cleanly(result, 1)
    assert "compressed or encrypted" in result.output
    assert not (demo / "seals.jsonl").exists()


def test_verify_with_the_ledger_but_no_seals_says_what_it_compared(demo: Path) -> None:
    seal(demo)
    (demo / "seals.jsonl").unlink()
    result = cx("verify", "--data", demo)
    assert result.exit_code == 3  # no seal: not evidence, whatever the ledger says
    assert ("No seals to check against: each event was compared with integrity.sqlite3, which no "
            "seal backs") in result.stdout
    assert "NOT VERIFIED" in result.stdout and "OK" not in result.stdout
