"""seal, verify, export and backup on each event store (the `store` fixture: SQLite, PostgreSQL),
and what only PostgreSQL has: seals and the ledger shared by every server of the installation."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.cli.support import cx, refused_cleanly
from tests.integrity.support import AFTER_DEMO, Store
from tracker import clock
from tracker.domain import member_id
from tracker.integrity.ledger import LEDGER_FILE, Ledger
from tracker.integrity.sealing import seal_store
from tracker.integrity.seals import SEALS_FILE, append_new_seal


def sealed(store: Store, data: Path | None = None) -> dict[str, object]:
    result = cx("seal", "--data", data or store.data)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def note(store: Store, text: str) -> None:
    app = store.app()
    try:
        with clock.frozen_at(AFTER_DEMO):
            made = app.recorder.select_notifications(start=None, limit=1_000_000)
            commitment = next(n.originator_id for n in made if n.topic.endswith("/commitment/Made"))
            app.add_note(member_id("cco@example.com"), commitment, text=text)
    finally:
        app.close()


def test_a_seal_is_kept_where_the_events_are_and_verify_checks_it(store: Store) -> None:
    seal = sealed(store)
    if store.kind == "sqlite":
        assert json.loads((store.data / SEALS_FILE).read_text()) == seal
        assert (store.data / LEDGER_FILE).exists()
    else:
        assert store.query("SELECT position, events, chain FROM seals") == [
            (seal["position"], seal["events"], seal["chain"])]
        assert store.query("SELECT count(*) FROM sealed_events") == [(seal["events"],)]
        assert not (store.data / SEALS_FILE).exists() and not (store.data / LEDGER_FILE).exists()
    result = cx("verify", "--data", store.data)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().splitlines()[-1].startswith("OK")


def test_a_changed_event_is_named_by_verify(store: Store) -> None:
    sealed(store)
    store.tamper("UPDATE {events} SET topic = topic || 'x' WHERE {position} = 12")
    result = cx("verify", "--data", store.data)
    assert result.exit_code == 1, result.output
    assert "position 12" in result.stdout


def test_a_deleted_event_is_named_and_a_cut_tail_fails_the_seal(store: Store) -> None:
    seal = sealed(store)
    store.tamper("DELETE FROM {events} WHERE {position} = 30")
    result = cx("verify", "--data", store.data)
    assert result.exit_code == 1
    assert "DIVERGENCE at position 30" in result.stdout and "deleted" in result.stdout
    store.tamper("DELETE FROM {events} WHERE {position} > 300")
    result = cx("verify", "--data", store.data)
    assert result.exit_code == 1
    assert f"the log ends at position 300, before the sealed position {seal['position']}" in result.stdout


def test_a_changed_byte_in_a_state_is_named(store: Store) -> None:
    sealed(store)
    store.replace_in_state(40, '"', '"')  # a no-op edit is no change
    assert cx("verify", "--data", store.data).exit_code == 0
    store.replace_in_state(40, ':"', ': "x')
    result = cx("verify", "--data", store.data)
    assert result.exit_code == 1
    assert "DIVERGENCE at position 40" in result.stdout
    assert "differs from the one sealed at this position" in result.stdout


def test_a_second_seal_with_no_new_events_appends_nothing(store: Store) -> None:
    first = sealed(store)
    again = cx("seal", "--data", store.data)
    assert again.exit_code == 0 and json.loads(again.stdout)["chain"] == first["chain"]
    assert "nothing appended" in again.stderr
    if store.kind == "postgres":
        assert store.query("SELECT count(*) FROM seals") == [(1,)]


def test_an_exported_bundle_verifies_offline(store: Store, tmp_path: Path) -> None:
    bundle = tmp_path / "b.jsonl"
    result = cx("export", bundle, "--data", store.data)
    assert result.exit_code == 0, result.output
    checked = cx("verify", "--bundle", bundle)
    assert checked.exit_code == 0, checked.output
    assert cx("verify", "--data", store.data).exit_code == 0  # export sealed it where seals are kept


def test_sealing_refuses_a_log_that_no_longer_matches_the_ledger(store: Store) -> None:
    sealed(store)
    store.tamper("UPDATE {events} SET topic = topic || 'x' WHERE {position} = 5")
    result = cx("seal", "--data", store.data)
    assert refused_cleanly(result, 1), result.output
    assert "first divergence at position 5" in result.output


# PostgreSQL only: the seals and the ledger are the installation's, not a server's.

postgres_only = pytest.mark.parametrize("store", ["postgres"], indirect=True)


@postgres_only
def test_a_seal_made_through_one_server_is_seen_and_verified_from_another(
        store: Store, tmp_path: Path) -> None:
    other = tmp_path / "server-b"
    first = sealed(store)
    result = cx("verify", "--data", other)
    assert result.exit_code == 0, result.output
    assert f"position {first['position']}" in result.stdout
    note(store, "Written after the first seal")
    second = sealed(store, other)  # the second server seals on: the ledger is shared
    assert second["position"] > first["position"]
    assert store.query("SELECT position FROM seals ORDER BY number") == [
        (first["position"],), (second["position"],)]
    store.tamper("UPDATE {events} SET topic = topic || 'x' WHERE {position} = 12")
    failed = cx("verify", "--data", store.data)
    assert failed.exit_code == 1 and "position 12" in failed.stdout


@postgres_only
@pytest.mark.parametrize("statement", [
    "UPDATE sealed_events SET digest = '\\x00' WHERE position = 3",
    "DELETE FROM sealed_events WHERE position = 3",
    "TRUNCATE sealed_events",
    "UPDATE seals SET chain = repeat('0', 64)",
    "DELETE FROM seals",
])
def test_the_shared_seals_and_ledger_are_append_only(store: Store, statement: str) -> None:
    sealed(store)
    with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        store.query(statement)
    assert cx("verify", "--data", store.data).exit_code == 0


@postgres_only
def test_a_servers_local_seals_and_ledger_move_into_the_shared_tables(
        store: Store, tmp_path: Path) -> None:
    """An earlier version kept seals and the ledger per server, even on PostgreSQL."""
    store.data.mkdir()
    app = store.app()
    try:
        ledger = Ledger(store.data / LEDGER_FILE, create=True)
        try:
            old_seal = seal_store(app, ledger)
        finally:
            ledger.close()
    finally:
        app.close()
    append_new_seal(store.data / SEALS_FILE, old_seal)
    result = cx("verify", "--data", store.data)
    assert result.exit_code == 0, result.output
    assert "into the shared seals table" in result.stderr
    assert "ledger entries" in result.stderr
    assert not (store.data / SEALS_FILE).exists() and (store.data / "seals.jsonl.migrated").exists()
    assert not (store.data / LEDGER_FILE).exists()
    assert store.query("SELECT chain FROM seals") == [(old_seal.chain,)]
    assert store.query("SELECT count(*) FROM sealed_events") == [(old_seal.events,)]
    other = cx("verify", "--data", tmp_path / "server-b")  # another server sees the moved seal
    assert other.exit_code == 0, other.output


@postgres_only
def test_a_shared_ledger_altered_by_its_owner_is_reported_by_its_name(store: Store) -> None:
    """The triggers stop the application and mistakes, not the database's owner: verify still
    catches a ledger rewritten behind them, and says which ledger and what to do."""
    sealed(store)
    store.tamper("ALTER TABLE sealed_events DISABLE TRIGGER USER")
    store.tamper("UPDATE sealed_events SET digest = sha256(digest) WHERE position = 3")
    result = cx("verify", "--data", store.data)
    assert result.exit_code == 1, result.output
    assert "LEDGER: the shared ledger (table sealed_events) does not agree with the seal" in result.stdout
    assert ("FAILED: the log matches its seals, but the shared ledger (table sealed_events) was "
            "altered (it is append-only: restore the schema from a backup") in result.stdout
    assert "integrity.sqlite3" not in result.stdout
