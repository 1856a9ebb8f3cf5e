"""The tamper matrix: every kind of change an adversary with write access to the storage can make,
each in several places, made to the files themselves. Each must be detected with the first
changed event named (or, where no event can be named, the reason), and the right exit status:
1 for a divergence or a refusal, 2 for an unreadable file, 3 when nothing is left to check against.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.cli.support import cx, refused_cleanly
from tests.integrity.support import AFTER_DEMO, head, note_something, seal, sqlite_app, stored_row, tamper
from tracker import clock
from tracker.integrity.chain import GENESIS, next_link
from tracker.integrity.records import Record, canonical, stored_records


@dataclass(frozen=True)
class Expect:
    status: int
    position: int | None  # the first divergence named, or None when no event can be named
    says: str  # in the output
    bundle: Path | None = None  # verify this bundle instead of the store
    seals: Path | None = None  # with these seals (--seals)


Tamper = Callable[[Path, Path], Expect]  # (data directory, a scratch directory) -> what verify says

CHANGED = "the stored event differs from the one sealed at this position"
REPLACED = "events were swapped, moved or replaced"
MISSING = "missing from the log (deleted)"
INSERTED = "this event was not in the sealed log: it was inserted"
BACKDATED = "(a backdated append)"
OUTSIDE = "outside the log's order"
LINK = "the record does not match its link"


# Byte flips

def flip(position: int) -> Tamper:
    """Change one letter of the stored state (inside a JSON string: still valid JSON)."""
    def change(data: Path, _: Path) -> Expect:
        p = head(data) if position < 0 else position
        state = stored_row(data, p)[3]
        at = max(i for i, b in enumerate(state) if chr(b) in "abcdef")
        changed = state[:at] + (b"0" if state[at:at + 1] != b"0" else b"1") + state[at + 1:]
        tamper(data, f"UPDATE stored_events SET state = X'{changed.hex()}' WHERE rowid = {p}")
        return Expect(1, p, CHANGED)
    return change


def flip_to_garbage(data: Path, _: Path) -> Expect:
    state = stored_row(data, 77)[3]
    garbage = (state[:5] + bytes([0xFF]) + state[6:]).hex()
    tamper(data, f"UPDATE stored_events SET state = X'{garbage}' WHERE rowid = 77")
    return Expect(1, 77, "the stored state is not JSON")


def flip_whitespace_only(data: Path, _: Path) -> Expect:
    """Re-encoding a state as equivalent JSON is not a change to what the application reads."""
    state = stored_row(data, 90)[3]
    tamper(data, f"UPDATE stored_events SET state = X'{(b' ' + state).hex()}' WHERE rowid = 90")
    return Expect(0, None, "OK: everything matches.")


# Topic and version edits

def retopic(position: int, topic: str) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        p = head(data) if position < 0 else position
        tamper(data, f"UPDATE stored_events SET topic = '{topic}' WHERE rowid = {p}")
        return Expect(1, p, CHANGED)
    return change


def reversion(position: int, to: str) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        tamper(data, f"UPDATE stored_events SET originator_version = {to} WHERE rowid = {position}")
        return Expect(1, position, REPLACED)
    return change


# Deletions

def delete(first: int, last: int | None = None) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        a = head(data) if first < 0 else first
        b = a if last is None else last
        tamper(data, f"DELETE FROM stored_events WHERE rowid BETWEEN {a} AND {b}")
        return Expect(1, a, MISSING)
    return change


# Swaps

def swap(a: int, b: int) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        tamper(data, f"UPDATE stored_events SET rowid = -99 WHERE rowid = {a}",
               f"UPDATE stored_events SET rowid = {a} WHERE rowid = {b}",
               f"UPDATE stored_events SET rowid = {b} WHERE rowid = -99")
        return Expect(1, min(a, b), REPLACED)
    return change


def swap_versions_of_one_aggregate(data: Path, scratch: Path) -> Expect:
    db = sqlite3.connect(data / "events.sqlite3")
    # The first aggregate from row 150 on whose versions 2 and 3 are both in the log.
    a, b = db.execute("SELECT v2.rowid, v3.rowid FROM stored_events v2 JOIN stored_events v3"
                      " ON v3.originator_id = v2.originator_id AND v3.originator_version = 3"
                      " WHERE v2.originator_version = 2 AND v2.rowid >= 150"
                      " ORDER BY v2.rowid LIMIT 1").fetchone()
    db.close()
    return swap(a, b)(data, scratch)


# Insertions

def next_version_row(data: Path) -> tuple[str, int, str, bytes]:
    """A commitment's last event again, as its next version: the repository would load it."""
    db = sqlite3.connect(data / "events.sqlite3")
    try:
        originator = db.execute("SELECT originator_id FROM stored_events WHERE topic = "
                                "'cx-tracker/commitment/Made' ORDER BY rowid LIMIT 1").fetchone()[0]
        version, topic, state = db.execute(
            "SELECT originator_version, topic, state FROM stored_events WHERE originator_id = ?"
            " ORDER BY originator_version DESC LIMIT 1", (originator,)).fetchone()
    finally:
        db.close()
    return originator, version + 1, topic, state


def insert_at(rowid: int | str, says: str = OUTSIDE) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        at = {"after-head": head(data) + 1, "far": 10**12}.get(str(rowid), rowid)
        originator, version, topic, state = next_version_row(data)
        tamper(data, "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state)"
                     f" VALUES ({at}, '{originator}', {version}, '{topic}', X'{state.hex()}')")
        return Expect(1, int(at), says)
    return change


def insert_inside(position: int) -> Tamper:
    """Make room by moving every later event one place up, then insert an event there."""
    def change(data: Path, _: Path) -> Expect:
        originator, version, topic, state = next_version_row(data)
        tamper(data, f"UPDATE stored_events SET rowid = -(rowid + 1) WHERE rowid >= {position}",
               "UPDATE stored_events SET rowid = -rowid WHERE rowid < 0",
               "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state)"
               f" VALUES ({position}, '{originator}', {version}, '{topic}', X'{state.hex()}')")
        return Expect(1, position, REPLACED)  # the sealed event there moved on
    return change


def insert_in_a_gap(data: Path, _: Path) -> Expect:
    """A position the log skipped (as PostgreSQL's can): an event slipped into it."""
    (data / "integrity.sqlite3").unlink()  # sealed afresh below, with the gap
    (data / "seals.jsonl").unlink()
    tamper(data, "UPDATE stored_events SET rowid = rowid + 1 WHERE rowid = (SELECT max(rowid) FROM stored_events)")
    seal(data)  # the log now skips a position, and is sealed so
    gap = head(data) - 1
    originator, version, topic, state = next_version_row(data)
    tamper(data, "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state)"
                 f" VALUES ({gap}, '{originator}', {version}, '{topic}', X'{state.hex()}')")
    return Expect(1, gap, INSERTED)


# Truncation

def truncate_file(data: Path, _: Path) -> Expect:
    events = data / "events.sqlite3"
    events.write_bytes(events.read_bytes()[: events.stat().st_size // 2])
    return Expect(1, None, "is not a usable event store")


# Backdated appends (written through the application with its clock set back: the frozen clock
# is not checked on write, as an adversary's own writer would not be)

def backdated(by: timedelta | None) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        position = head(data) + 1
        at = datetime(2026, 5, 1, 9, tzinfo=AFTER_DEMO.tzinfo) if by is None else AFTER_DEMO - timedelta(days=3) - by
        with clock.frozen_at(at):
            note_something(data, "Backdated")
        return Expect(1, position, BACKDATED)
    return change


def backdated_by_sql(data: Path, _: Path) -> Expect:
    position = head(data) + 1
    originator, version, topic, state = next_version_row(data)
    old = re.sub(rb'"_data_":"20\d\d-[^"]+"', b'"_data_":"2026-01-01T00:00:00+00:00"', state, count=1)
    tamper(data, "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state)"
                 f" VALUES ({position}, '{originator}', {version}, '{topic}', X'{old.hex()}')")
    return Expect(1, position, BACKDATED)


# Ledger edits

def ledger(*statements: str) -> None:
    db = sqlite3.connect(Path(statements[0]) / "integrity.sqlite3")
    with db:
        for statement in statements[1:]:
            db.execute(statement)
    db.close()


def digest_now(data: Path, position: int) -> bytes:
    app = sqlite_app(data)
    try:
        record = next(r for b in stored_records(app, stop=position) for r in b if r.position == position)
    finally:
        app.close()
    return hashlib.sha256(canonical(record)).digest()


def ledger_digest_edited(data: Path, _: Path) -> Expect:
    ledger(str(data), "UPDATE sealed_events SET digest = zeroblob(32) WHERE position = 30")
    return Expect(1, None, "the log matches its seals, but integrity.sqlite3 was altered")


def ledger_row_deleted(data: Path, _: Path) -> Expect:
    ledger(str(data), "DELETE FROM sealed_events WHERE position = 45")
    return Expect(1, None, "the log matches its seals, but integrity.sqlite3 was altered")


def ledger_patched_with_the_log(data: Path, scratch: Path) -> Expect:
    flip(120)(data, scratch)
    ledger(str(data), "UPDATE sealed_events SET digest = X'" + digest_now(data, 120).hex() + "' WHERE position = 120",
           "UPDATE sealed_events SET digest = zeroblob(32) WHERE position = 180")
    return Expect(1, None, f"the first change lies at or before position {head(data)}")


def ledger_deleted_after_a_log_edit(data: Path, scratch: Path) -> Expect:
    flip(66)(data, scratch)
    (data / "integrity.sqlite3").unlink()
    return Expect(1, None, f"the first change lies at or before position {head(data)}")


# Seal edits

def edit_seal(key: str, value: object, says: str) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        seals = data / "seals.jsonl"
        one = json.loads(seals.read_text())
        one[key] = value(one[key]) if callable(value) else value
        seals.write_text(json.dumps(one) + "\n")
        return Expect(1, None, says)
    return change


def evidence_deleted(data: Path, scratch: Path) -> Expect:
    flip(50)(data, scratch)
    (data / "seals.jsonl").unlink()
    (data / "integrity.sqlite3").unlink()
    return Expect(3, None, "NOT VERIFIED: there is nothing to check against")


def seal_malformed(data: Path, _: Path) -> Expect:
    (data / "seals.jsonl").write_text('{"position": 1}\n')
    return Expect(2, None, "seals.jsonl, line 1: a seal is an object with exactly the keys")


# Storage-class changes

def storage(column: str, value: str, says: str) -> Tamper:
    def change(data: Path, _: Path) -> Expect:
        tamper(data, f"UPDATE stored_events SET {column} = {value} WHERE rowid = 60")
        return Expect(1, 60, says)
    return change


# Bundle edits

def bundle_of(data: Path, scratch: Path) -> tuple[Path, list[bytes]]:
    path = scratch / "bundle.jsonl"
    result = cx("export", path, "--data", data)
    assert result.exit_code == 0, result.output
    return path, path.read_bytes().split(b"\n")


def bundle_edit(edit: Callable[[list[bytes]], list[bytes]], status: int, position: int | None, says: str,
                external_seal: bool = False) -> Tamper:
    def change(data: Path, scratch: Path) -> Expect:
        path, lines = bundle_of(data, scratch)
        kept = None
        if external_seal:
            kept = scratch / "kept.jsonl"
            kept.write_text((data / "seals.jsonl").read_text())
        changed = scratch / "changed.jsonl"
        changed.write_bytes(b"\n".join(edit(list(lines))))
        return Expect(status, position, says, bundle=changed, seals=kept)
    return change


def b_flip(lines: list[bytes]) -> list[bytes]:
    lines[40] = lines[40].replace(b'"percent":', b'"percent":1', 1) if b'"percent":' in lines[40] \
        else lines[40].replace(b'"actor":{', b'"actor2":{', 1)
    return lines


def b_delete(lines: list[bytes]) -> list[bytes]:
    return lines[:80] + lines[81:]


def b_swap(lines: list[bytes]) -> list[bytes]:
    a, b = json.loads(lines[100]), json.loads(lines[130])
    a["position"], b["position"] = b["position"], a["position"]
    lines[100], lines[130] = json.dumps(b).encode(), json.dumps(a).encode()
    return lines


def b_duplicate(lines: list[bytes]) -> list[bytes]:
    twin = json.loads(lines[50])
    twin["position"] = json.loads(lines[51])["position"]
    lines[51] = json.dumps(twin).encode()
    return lines


def b_header(lines: list[bytes]) -> list[bytes]:
    header = json.loads(lines[0])
    header["events"] += 1
    lines[0] = json.dumps(header).encode()
    return lines


def b_seal(lines: list[bytes]) -> list[bytes]:
    last = max(i for i, line in enumerate(lines) if line.startswith(b'{"seal"'))
    one = json.loads(lines[last])
    one["seal"]["chain"] = "f" * 64
    lines[last] = json.dumps(one).encode()
    return lines


def b_utf8(lines: list[bytes]) -> list[bytes]:
    lines[99] = lines[99][:30] + b"\xc3\x28" + lines[99][32:]
    return lines


def b_truncated(lines: list[bytes]) -> list[bytes]:
    return lines[:200]


def b_forged(lines: list[bytes]) -> list[bytes]:
    """Change a record, then recompute every link and the bundle's own seals, as a forger would."""
    out, link = [lines[0]], GENESIS
    for line in lines[1:]:
        if not line or line.startswith(b'{"seal"'):
            continue
        r = json.loads(line)
        if r["position"] == 90:
            r["state"]["forged"] = True
        record = Record(r["position"], r["originator_id"], r["originator_version"], r["topic"], r["state"])
        link = next_link(link, hashlib.sha256(canonical(record)).digest())
        out.append(json.dumps({**r, "link": link.hex()}).encode())
    for line in lines[1:]:
        if line.startswith(b'{"seal"'):
            one = json.loads(line)
            one["seal"]["chain"] = link.hex()
            out.append(json.dumps(one).encode())
    return out


CASES: dict[str, dict[str, Tamper]] = {
    "byte flip": {
        "first event": flip(1), "second event": flip(2), "middle": flip(200), "last sealed": flip(-1),
        "not JSON any more": flip_to_garbage,
    },
    "topic/version edit": {
        "topic at 10": retopic(10, "cx-tracker/commitment/NoteAdded"), "topic at the head": retopic(-1, "x"),
        "version +1000": reversion(150, "originator_version + 1000"), "version 0": reversion(250, "0"),
    },
    "deletion": {
        "first": delete(1), "middle": delete(120), "a range": delete(200, 210), "last sealed": delete(-1),
    },
    "swap": {
        "adjacent": swap(120, 121), "distant": swap(30, 300),
        "two versions of one aggregate": swap_versions_of_one_aggregate,
    },
    "insertion": {
        "at rowid 0": insert_at(0), "at rowid -1": insert_at(-1), "at the lowest rowid": insert_at(-(2**63)),
        "inside the sealed range": insert_inside(150), "into a gap": insert_in_a_gap, "after the head": insert_at("after-head", BACKDATED),
        "at a far rowid": insert_at("far", BACKDATED),
    },
    "truncation": {
        "last event": delete(-1), "last ten": lambda d, s: delete(head(d) - 9, head(d))(d, s),
        "file cut in half": truncate_file,
    },
    "backdated append": {
        "an hour": backdated(timedelta(hours=1)), "a week": backdated(timedelta(days=7)),
        "into the sealed range": backdated(None), "by SQL": backdated_by_sql,
    },
    "ledger edit": {
        "digest": ledger_digest_edited, "row deleted": ledger_row_deleted,
        "patched with the log": ledger_patched_with_the_log, "deleted after a log edit": ledger_deleted_after_a_log_edit,
    },
    "seal edit": {
        "chain": edit_seal("chain", "0" * 64, "FAILS: the chain differs from the sealed one"),
        "event count": edit_seal("events", lambda n: n - 1, "1 more events up to position"),
        "position and count moved back": lambda d, s: (
            edit_seal("events", lambda n: n - 5, "")(d, s),
            edit_seal("position", lambda n: n - 5, "FAILS: the chain differs from the sealed one")(d, s))[1],
        "seals and ledger deleted": evidence_deleted, "malformed": seal_malformed,
    },
    "storage class": {
        "state TEXT": storage("state", "CAST(state AS TEXT)", "state is stored as SQLite TEXT"),
        "state NULL": storage("state", "NULL", "state is stored as SQLite NULL"),
        "id BLOB": storage("originator_id", "CAST(originator_id AS BLOB)", "originator_id is stored as SQLite BLOB"),
        "topic BLOB": storage("topic", "CAST(topic AS BLOB)", "topic is stored as SQLite BLOB"),
        "version TEXT": storage("originator_version", "'v' || originator_version", "originator_version is stored as SQLite TEXT"),
        "version REAL": storage("originator_version", "originator_version + 0.5", "originator_version is stored as SQLite REAL"),
    },
    "bundle edit": {
        "record changed": bundle_edit(b_flip, 1, 40, LINK),
        "record deleted": bundle_edit(b_delete, 1, 81, LINK),
        "records swapped": bundle_edit(b_swap, 1, 100, LINK),
        "record doubled": bundle_edit(b_duplicate, 1, 51, LINK),
        "header count": bundle_edit(b_header, 1, None, "records were removed or added"),
        "seal chain": bundle_edit(b_seal, 1, None, "FAILS: the chain differs from the sealed one"),
        "invalid UTF-8": bundle_edit(b_utf8, 2, None, "line 100: not UTF-8 text"),
        "truncated": bundle_edit(b_truncated, 2, None, "no seals at the end"),
        "forged consistently": bundle_edit(b_forged, 1, None, "FAILS: the chain differs", external_seal=True),
    },
}
MATRIX = [pytest.param(kind, name, change, id=f"{kind}: {name}")
          for kind, cases in CASES.items() for name, change in cases.items()]


def divergence_at(output: str) -> int | None:
    found = re.search(r"DIVERGENCE at position (-?\d+)", output)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize(("kind", "name", "change"), MATRIX)
def test_every_tampering_is_detected_with_its_position_and_exit_status(
        demo: Path, tmp_path: Path, kind: str, name: str, change: Tamper) -> None:
    seal(demo)
    expect = change(demo, tmp_path)
    if expect.bundle is not None:
        args = ["verify", "--bundle", expect.bundle]
    else:
        args = ["verify", "--data", demo]
    if expect.seals is not None:
        args += ["--seals", expect.seals]
    result = cx(*args)
    assert refused_cleanly(result, expect.status), result.output  # never a traceback
    assert expect.says in result.output
    assert divergence_at(result.stdout) == expect.position
    if expect.status == 1 and "DIVERGENCE" in result.stdout:
        assert "FAILED" in result.stdout
    if expect.bundle is not None and expect.seals is None:  # as-of refuses what verify refuses
        replay = cx("as-of", "2026-11-01", "--bundle", expect.bundle)
        assert refused_cleanly(replay, expect.status), replay.output
        if expect.position is not None:
            assert f"first divergence at position {expect.position}" in replay.output


def test_the_matrix_covers_every_kind_the_issue_names() -> None:
    assert len(CASES) == 11 and all(len(cases) >= 3 for cases in CASES.values())


def test_legitimate_appends_still_pass(demo: Path) -> None:
    seal(demo)
    for minutes in (0, 1, 2):
        with clock.frozen_at(AFTER_DEMO + timedelta(minutes=minutes)):
            note_something(demo, f"note {minutes}")
    with clock.frozen_at(AFTER_DEMO + timedelta(minutes=2) - timedelta(seconds=50)):  # within the tolerance
        note_something(demo, "a server whose clock is 50 s behind")
    seal(demo)
    result = cx("verify", "--data", demo)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(": ok") == 2 and "OK: everything matches." in result.stdout


def test_equivalent_json_is_not_a_change(demo: Path, tmp_path: Path) -> None:
    seal(demo)
    expect = flip_whitespace_only(demo, tmp_path)
    result = cx("verify", "--data", demo)
    assert result.exit_code == expect.status and expect.says in result.stdout
