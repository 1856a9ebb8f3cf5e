"""The replay bundle: exported, verified offline, replayed into an in-memory application."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest

from tests.cli.support import cx, refused_cleanly
from tests.conftest import NOW
from tests.integrity.support import AFTER_DEMO, note_something, seal, sqlite_app
from tracker import clock
from tracker.integrity.bundle import read_bundle
from tracker.integrity.chain import GENESIS, next_link
from tracker.integrity.records import Record, canonical
from tracker.integrity.seals import Seal
from tracker.integrity.verify import verify_store


def export(data: Path, bundle: Path) -> dict[str, object]:
    result = cx("export", bundle, "--data", data)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.splitlines()[-1])


def lines(bundle: Path) -> list[str]:
    return bundle.read_text().splitlines()


def test_a_bundle_verifies_offline_after_the_data_directory_is_gone(demo: Path, tmp_path: Path) -> None:
    earlier = seal(demo)
    with clock.frozen_at(AFTER_DEMO):
        note_something(demo)
    bundle = tmp_path / "bundle.jsonl"
    with clock.frozen_at(AFTER_DEMO + timedelta(hours=1)):
        new = export(demo, bundle)
    kept = tmp_path / "kept.jsonl"
    kept.write_text(json.dumps(new) + "\n")
    shutil.rmtree(demo)
    result = cx("verify", "--bundle", bundle, "--seals", kept)
    assert result.exit_code == 0, result.output
    assert f"Seal at position {earlier['position']}" in result.stdout
    assert result.stdout.count(": ok") == 2  # the earlier seal, and the new one (given twice) once
    assert "OK: everything matches." in result.stdout


def test_the_bundle_holds_a_header_every_event_with_its_link_then_the_seals(demo: Path, tmp_path: Path) -> None:
    earlier = seal(demo)
    with clock.frozen_at(AFTER_DEMO):  # one more event, so the export's seal is a new one
        note_something(demo)
    bundle = tmp_path / "bundle.jsonl"
    new = export(demo, bundle)
    text = lines(bundle)
    header = json.loads(text[0])
    assert header["format"] == "cx-tracker-bundle" and header["version"] == 1
    assert header["events"] == new["events"] == earlier["events"] + 1
    assert len(text) == 1 + new["events"] + 2 and json.loads(text[-2]) == {"seal": earlier}
    records = [json.loads(line) for line in text[1:-2]]
    assert set(records[0]) == {"position", "originator_id", "originator_version", "topic", "state", "link"}
    link = GENESIS
    for r in records:
        record = Record(r["position"], r["originator_id"], r["originator_version"], r["topic"], r["state"])
        link = next_link(link, hashlib.sha256(canonical(record)).digest())
        assert r["link"] == link.hex()
    assert json.loads(text[-1]) == {"seal": new} and new["chain"] == link.hex()
    assert (demo / "seals.jsonl").read_text().splitlines()[-1] == json.dumps(new)


def test_an_export_with_no_new_events_since_the_last_seal_repeats_no_seal(demo: Path, tmp_path: Path) -> None:
    earlier = seal(demo)
    seals_before = (demo / "seals.jsonl").read_text()
    bundle = tmp_path / "bundle.jsonl"
    with clock.frozen_at(NOW + timedelta(hours=2)):
        new = export(demo, bundle)
    assert new == earlier  # the last seal, not a second one at the same position
    assert (demo / "seals.jsonl").read_text() == seals_before
    text = lines(bundle)
    assert len(text) == 1 + earlier["events"] + 1 and json.loads(text[-1]) == {"seal": earlier}


def tampered(bundle: Path, tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    text = lines(bundle)
    changed = tmp_path / "tampered.jsonl"
    changed.write_text("\n".join(change(text)) + "\n")
    return changed


def test_a_changed_record_is_named(demo: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.jsonl"
    export(demo, bundle)

    def change(text: list[str]) -> list[str]:
        record = json.loads(text[60])
        record["state"]["actor"]["_data_"] = "0" * 32
        return [*text[:60], json.dumps(record), *text[61:]]

    result = cx("verify", "--bundle", tampered(bundle, tmp_path, change))
    assert result.exit_code == 1
    assert "DIVERGENCE at position 60: the record does not match its link" in result.stdout
    assert "FAILS: the chain differs" in result.stdout


def test_a_removed_record_is_found(demo: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.jsonl"
    export(demo, bundle)
    result = cx("verify", "--bundle", tampered(bundle, tmp_path, lambda t: [*t[:80], *t[81:]]))
    assert result.exit_code == 1
    assert "DIVERGENCE at position 81: the record does not match its link" in result.stdout
    assert "records were removed or added" in result.stdout


def test_a_consistently_rewritten_bundle_fails_against_a_seal_kept_outside(demo: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.jsonl"
    kept.write_text(json.dumps(seal(demo)) + "\n")
    bundle = tmp_path / "bundle.jsonl"
    export(demo, bundle)

    def rewrite(text: list[str]) -> list[str]:
        """Change one event, then recompute every link and the embedded seals, as a forger would."""
        out, link = [text[0]], GENESIS
        records = [line for line in text[1:] if not line.startswith('{"seal"')]
        seals = [line for line in text[1:] if line.startswith('{"seal"')]
        for line in records:
            r = json.loads(line)
            if r["position"] == 90:
                r["state"]["actor"]["_data_"] = "0" * 32  # someone else did it
            record = Record(r["position"], r["originator_id"], r["originator_version"], r["topic"], r["state"])
            link = next_link(link, hashlib.sha256(canonical(record)).digest())
            out.append(json.dumps({**r, "link": link.hex()}))
        for line in seals:
            s = json.loads(line)
            s["seal"]["chain"] = link.hex()
            out.append(json.dumps(s))
        return out

    forged = tampered(bundle, tmp_path, rewrite)
    assert cx("verify", "--bundle", forged).exit_code == 0  # its own seals prove nothing
    result = cx("verify", "--bundle", forged, "--seals", kept)
    assert result.exit_code == 1 and "FAILS: the chain differs" in result.stdout


def test_the_bundles_application_replays_every_aggregate_as_the_live_store_has_it(demo: Path, tmp_path: Path) -> None:
    bundle_path = tmp_path / "bundle.jsonl"
    export(demo, bundle_path)
    bundle = read_bundle(bundle_path)
    replayed, live = bundle.application(), sqlite_app(demo)
    notifications = replayed.recorder.select_notifications(start=1, limit=10_000)
    assert [n.id for n in notifications] == [r.position for r in bundle.records]
    for n in notifications:
        replayed.mapper.to_domain_event(n)  # every event decodes, upcasters included
    ids = {UUID(r.originator_id) for r in bundle.records}
    assert len(ids) > 50
    for ident in ids:
        mine, theirs = replayed.repository.get(ident), live.repository.get(ident)
        assert type(mine) is type(theirs) and vars(mine) == vars(theirs)
    assert replayed.plan() == live.plan()
    replayed.close()
    live.close()


def test_the_bundle_application_stays_in_memory_whatever_the_environment_says(
        demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle_path = tmp_path / "bundle.jsonl"
    export(demo, bundle_path)
    monkeypatch.setenv("CXTRACKER_PERSISTENCE_MODULE", "eventsourcing.sqlite")
    monkeypatch.setenv("SQLITE_DBNAME", str(tmp_path / "elsewhere.sqlite3"))
    app = read_bundle(bundle_path).application()
    assert app.head() == len(read_bundle(bundle_path).records)
    assert not (tmp_path / "elsewhere.sqlite3").exists()
    app.close()


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read the bundle"),
    ("", "is not a cx-tracker bundle"),
    ('{"format": "something-else"}\n', "is not a cx-tracker bundle"),
    ('{"format": "cx-tracker-bundle", "version": 9, "created_at": "x", "events": 0}\n', "bundle version 9"),
    ('{"format": "cx-tracker-bundle", "version": 1, "created_at": "x", "events": 1}\n{"position": 1,\n',
     "line 2: not JSON"),
    ('{"format": "cx-tracker-bundle", "version": 1, "created_at": "x", "events": 0}\n',
     "no seals at the end"),
    ('{"format": "cx-tracker-bundle", "version": 1, "created_at": "x", "events": 0}\n{"seal": {"position": 1}}\n',
     "line 2: a seal is an object"),
])
def test_an_unreadable_bundle_is_bad_input(tmp_path: Path, content: str | None, message: str) -> None:
    bundle = tmp_path / "bundle.jsonl"
    if content is not None:
        bundle.write_text(content)
    result = cx("verify", "--bundle", bundle)
    assert refused_cleanly(result, 2)
    assert message in result.output


def test_the_chain_is_the_same_on_the_in_memory_store_as_on_sqlite(demo: Path, tmp_path: Path) -> None:
    bundle_path = tmp_path / "bundle.jsonl"
    sealed = export(demo, bundle_path)
    replayed = read_bundle(bundle_path).application()
    verification = verify_store(replayed, [Seal(**sealed)])  # type: ignore[arg-type]
    replayed.close()
    assert verification.ok and verification.chain == sealed["chain"]
