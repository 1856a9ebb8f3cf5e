"""verify finds every kind of tampering with a sealed log, and names the first changed event."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from datetime import datetime, time, timezone
from pathlib import Path
from uuid import UUID

import pytest

from tests.cli.support import DEMO_DAY, cx, refused_cleanly
from tests.integrity.support import head, seal, sqlite_app, stored_row, tamper
from tracker import clock
from tracker.domain import member_id
from tracker.integrity.records import canonical, stored_records
from tracker.integrity.seals import Seal
from tracker.integrity.walk import Walk

PROGRESS = "cx-tracker/commitment/ProgressReported"
AFTER_DEMO = datetime.combine(DEMO_DAY, time(12), tzinfo=timezone.utc)  # after the demo's history


def first_position(data: Path, topic: str, after: int = 0) -> int:
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        return db.execute("SELECT min(rowid) FROM stored_events WHERE topic = ? AND rowid > ?",
                          (topic, after)).fetchone()[0]
    finally:
        db.close()


def change_one_byte(data: Path, position: int) -> None:
    """Raise a reported percentage by one: the JSON stays valid, the meaning changes."""
    state = stored_row(data, position)[3]
    at = state.index(b'"percent":') + len(b'"percent":')
    changed = state[:at] + bytes([state[at] + 1 if state[at] < ord("9") else ord("1")]) + state[at + 1:]
    assert len(changed) == len(state) and changed != state
    tamper(data, f"UPDATE stored_events SET state = X'{changed.hex()}' WHERE rowid = {position}")


def verify(data: Path, *more: object):  # type: ignore[no-untyped-def]
    return cx("verify", "--data", data, *more)


def divergence_at(output: str) -> int:
    match = re.search(r"DIVERGENCE at position (\d+)", output)
    assert match, output
    return int(match.group(1))


def test_an_untouched_store_passes(demo: Path) -> None:
    sealed = seal(demo)
    result = verify(demo)
    assert result.exit_code == 0, result.output
    assert f"Seal at position {sealed['position']} ({sealed['events']} events" in result.stdout
    assert ": ok" in result.stdout and "OK: everything matches." in result.stdout
    assert "DIVERGENCE" not in result.stdout


def test_one_changed_byte_is_named_with_its_event(demo: Path) -> None:
    seal(demo)
    position = first_position(demo, PROGRESS, after=100)
    change_one_byte(demo, position)
    result = verify(demo)
    assert result.exit_code == 1
    assert divergence_at(result.stdout) == position
    assert "the stored event differs from the one sealed at this position" in result.stdout
    event_line = result.stdout.split("\n")[2]
    originator = stored_row(demo, position)[0]
    assert PROGRESS in event_line and originator[:8] in event_line
    assert re.search(r"at 20\d\d-\d\d-\d\dT", event_line) and re.search(r"by [\w.-]+@example\.com", event_line)
    assert "FAILS: the chain differs from the sealed one" in result.stdout
    assert "FAILED" in result.stdout


def test_a_deleted_event_is_named(demo: Path) -> None:
    seal(demo)
    originator, version, _, _ = stored_row(demo, 50)
    tamper(demo, "DELETE FROM stored_events WHERE rowid = 50")
    result = verify(demo)
    assert result.exit_code == 1
    assert divergence_at(result.stdout) == 50
    assert "missing from the log (deleted)" in result.stdout
    assert f"version {version}" in result.stdout.split("\n")[2]
    assert "1 fewer events up to position" in result.stdout


def test_two_swapped_events_are_found_at_the_first_of_them(demo: Path) -> None:
    seal(demo)
    tamper(demo, "UPDATE stored_events SET rowid = -1 WHERE rowid = 120",
           "UPDATE stored_events SET rowid = 120 WHERE rowid = 150",
           "UPDATE stored_events SET rowid = 150 WHERE rowid = -1")
    result = verify(demo)
    assert result.exit_code == 1
    assert divergence_at(result.stdout) == 120
    assert "events were swapped, moved or replaced" in result.stdout
    assert "also at position 150" in result.stdout


def test_events_removed_from_the_end_are_found(demo: Path) -> None:
    sealed = seal(demo)
    last = head(demo)
    tamper(demo, f"DELETE FROM stored_events WHERE rowid > {last - 3}")
    result = verify(demo)
    assert result.exit_code == 1
    assert divergence_at(result.stdout) == last - 2
    assert (f"the log ends at position {last - 3}, before the sealed position {sealed['position']}: "
            "events were removed from the end") in result.stdout


def test_a_state_that_is_no_longer_json_is_named(demo: Path) -> None:
    seal(demo)
    tamper(demo, "UPDATE stored_events SET state = X'7b22' WHERE rowid = 7")
    result = verify(demo)
    assert result.exit_code == 1 and divergence_at(result.stdout) == 7
    assert "the stored state is not JSON" in result.stdout


def test_an_untouched_store_still_passes_after_later_events_and_a_second_seal(demo: Path) -> None:
    first = seal(demo)
    app = sqlite_app(demo)
    commitment = next(r.originator_id for batch in stored_records(app) for r in batch
                      if r.topic == "cx-tracker/commitment/Made")
    with clock.frozen_at(AFTER_DEMO):
        app.add_note(member_id("cco@example.com"), UUID(commitment), text="Checked by the auditors")
    app.close()
    second = seal(demo)
    assert second["position"] == first["position"] + 1 and second["events"] == first["events"] + 1
    result = verify(demo)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok") == 2


def test_seal_refuses_a_log_that_no_longer_matches_and_records_nothing(demo: Path) -> None:
    seal(demo)
    seals_before = (demo / "seals.jsonl").read_bytes()
    ledger_before = (demo / "integrity.sqlite3").read_bytes()
    change_one_byte(demo, first_position(demo, PROGRESS))
    result = cx("seal", "--data", demo)
    assert refused_cleanly(result, 1)
    assert "no longer matches" in result.output and "nothing was sealed" in result.output
    assert result.stdout == ""
    assert (demo / "seals.jsonl").read_bytes() == seals_before
    assert (demo / "integrity.sqlite3").read_bytes() == ledger_before


def seal_at(data: Path, position: int) -> Seal:
    """A seal of the log's first `position` events, as `seal` would have printed it back then."""
    app = sqlite_app(data)
    walk = Walk()
    for batch in stored_records(app, stop=position):
        walk.feed(batch)
    app.close()
    return Seal(position, walk.count, walk.chain.last().hex(), "2026-01-01T00:00:00+00:00")


def test_without_the_ledger_the_seals_bracket_the_first_change(demo: Path, tmp_path: Path) -> None:
    early = seal_at(demo, 200)
    final = seal(demo)
    kept = tmp_path / "kept-seals.jsonl"
    kept.write_text(early.as_json() + "\n" + json.dumps(final) + "\n")
    (demo / "integrity.sqlite3").unlink()
    change_one_byte(demo, first_position(demo, PROGRESS, after=250))
    result = verify(demo, "--seals", kept)
    assert result.exit_code == 1
    assert "Seal at position 200 (200 events" in result.stdout and "): ok" in result.stdout
    assert (f"FAILS: the chain differs from the sealed one; the first change lies after position 200 "
            f"and at or before {final['position']}") in result.stdout
    assert "DIVERGENCE" not in result.stdout


def test_an_altered_ledger_is_told_apart_from_an_altered_log(demo: Path) -> None:
    seal(demo)
    db = sqlite3.connect(demo / "integrity.sqlite3")
    with db:
        db.execute("UPDATE sealed_events SET digest = zeroblob(32) WHERE position = 30")
    db.close()
    result = verify(demo)
    assert result.exit_code == 1
    assert "DIVERGENCE" not in result.stdout
    assert "): ok" in result.stdout  # the log itself matches the seal
    assert "LEDGER: integrity.sqlite3 does not agree with the seal" in result.stdout


@pytest.mark.parametrize("position", [1, 2])
def test_a_change_at_the_very_start_is_found(demo: Path, position: int) -> None:
    seal(demo)
    tamper(demo, f"UPDATE stored_events SET topic = topic || 'x' WHERE rowid = {position}")
    result = verify(demo)
    assert result.exit_code == 1 and divergence_at(result.stdout) == position


def test_an_aggregate_id_rewritten_in_another_spelling_is_found(demo: Path) -> None:
    """The application would no longer find the event under its aggregate, so it is a change."""
    seal(demo)
    originator = stored_row(demo, 40)[0]
    dashed = str(UUID(originator))
    tamper(demo, f"UPDATE stored_events SET originator_id = '{dashed}' WHERE rowid = 40")
    result = verify(demo)
    assert result.exit_code == 1 and divergence_at(result.stdout) == 40


def ledger_digest(data: Path, position: int) -> bytes:
    db = sqlite3.connect(data / "integrity.sqlite3")
    try:
        return db.execute("SELECT digest FROM sealed_events WHERE position = ?", (position,)).fetchone()[0]
    finally:
        db.close()


def patch_ledger(data: Path, position: int, digest: bytes) -> None:
    db = sqlite3.connect(data / "integrity.sqlite3")
    with db:
        db.execute("UPDATE sealed_events SET digest = ? WHERE position = ?", (digest, position))
    db.close()


def digest_now(data: Path, position: int) -> bytes:
    app = sqlite_app(data)
    try:
        record = next(r for batch in stored_records(app, stop=position) for r in batch if r.position == position)
    finally:
        app.close()
    return hashlib.sha256(canonical(record)).digest()


def test_a_ledger_altered_with_the_log_never_names_an_intact_event(demo: Path) -> None:
    """The adversary patches the ledger where the log changed, and spoils it further on."""
    sealed = seal(demo)
    position = first_position(demo, PROGRESS, after=100)
    change_one_byte(demo, position)
    patch_ledger(demo, position, digest_now(demo, position))
    patch_ledger(demo, position + 60, bytes(32))
    result = verify(demo)
    assert result.exit_code == 1
    assert f"DIVERGENCE at position {position + 60}" not in result.stdout
    assert "DIVERGENCE" not in result.stdout  # nothing the seals can back
    assert (f"FAILS: the chain differs from the sealed one; the first change lies at or before "
            f"position {sealed['position']}") in result.stdout
    assert "LEDGER: integrity.sqlite3 was altered after position 0" in result.stdout


def test_a_ledger_altered_with_the_log_still_names_what_an_earlier_seal_backs(demo: Path, tmp_path: Path) -> None:
    early = seal_at(demo, 200)
    final = seal(demo)
    kept = tmp_path / "kept.jsonl"
    kept.write_text(early.as_json() + "\n" + json.dumps(final) + "\n")
    changed = first_position(demo, PROGRESS, after=100)
    assert changed < 200
    change_one_byte(demo, changed)  # the ledger still has this one right
    later = first_position(demo, PROGRESS, after=250)
    change_one_byte(demo, later)
    patch_ledger(demo, later, digest_now(demo, later))  # ... and is patched to hide this one
    patch_ledger(demo, later + 20, bytes(32))
    result = verify(demo, "--seals", kept)
    assert result.exit_code == 1
    assert divergence_at(result.stdout) == changed  # the seal at 200 backs the ledger up to there
    assert f"also at position {later + 20}" not in result.stdout
    assert "Seal at position 200 (200 events" in result.stdout and "FAILS" in result.stdout
