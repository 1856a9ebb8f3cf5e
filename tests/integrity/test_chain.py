"""The chain's definition, checked against an independent reading of the SQLite file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.integrity.support import seal, sqlite_app
from tracker.integrity.chain import GENESIS, Chain, next_link
from tracker.integrity.records import Record, canonical, parse_state, stored_records


def reference_chain(events_file: Path) -> tuple[int, str]:
    """The chain as the design states it, computed straight from the stored rows."""
    db = sqlite3.connect(events_file)
    rows = db.execute("SELECT rowid, originator_id, originator_version, topic, state"
                      " FROM stored_events ORDER BY rowid").fetchall()
    db.close()
    link = bytes(32)
    for position, originator_id, version, topic, state in rows:
        body = json.dumps({"position": position, "originator_id": str(UUID(originator_id)),
                           "originator_version": version, "topic": topic, "state": json.loads(state)},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        link = hashlib.sha256(link + hashlib.sha256(body).digest()).digest()
    return len(rows), link.hex()


def test_a_seal_states_the_chain_as_the_design_defines_it(demo: Path) -> None:
    events, chain = reference_chain(demo / "events.sqlite3")
    sealed = seal(demo)
    assert events > 300
    assert sealed["position"] == events and sealed["events"] == events and sealed["chain"] == chain


def test_the_canonical_form_is_sorted_compact_json_of_the_stored_fields(demo: Path) -> None:
    app = sqlite_app(demo)
    records = [r for batch in stored_records(app, batch=100) for r in batch]
    app.close()
    assert len(records) > 300 and [r.position for r in records] == list(range(1, len(records) + 1))
    for record in records:
        expected = json.dumps(
            {"position": record.position, "originator_id": record.originator_id,
             "originator_version": record.originator_version, "topic": record.topic,
             "state": record.state},
            sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        assert canonical(record) == expected
    first = json.loads(canonical(records[0]))
    assert first["state"]["actor"]["_type_"] == "uuid_hex" and "timestamp" in first["state"]


def test_the_canonical_form_keeps_non_ascii_text_as_utf8() -> None:
    record = Record(7, "f74c6dc7-37b7-5565-ba8e-1a99e1d1e2ca", 2, "cx-tracker/x/Y", {"note": "Zoë – ✓"})
    assert "Zoë – ✓".encode() in canonical(record)


def test_links_chain_each_digest_onto_the_previous_link_and_gaps_are_allowed() -> None:
    a = Record(1, "a", 1, "t", {"k": 1})
    b = Record(5, "a", 2, "t", {"k": 2})  # positions 2-4 never existed
    link_a = hashlib.sha256(GENESIS + hashlib.sha256(canonical(a)).digest()).digest()
    link_b = hashlib.sha256(link_a + hashlib.sha256(canonical(b)).digest()).digest()
    assert next_link(GENESIS, hashlib.sha256(canonical(a)).digest()) == link_a
    chain = Chain()
    chain.append(1, link_a)
    chain.append(5, link_b)
    assert chain.at(0) == (0, GENESIS)
    assert chain.at(1) == chain.at(4) == (1, link_a)
    assert chain.at(5) == chain.at(99) == (2, link_b)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@pytest.mark.slow  # 200 generated states
@settings(max_examples=200, deadline=None)
@given(state=json_values, spaces=st.sampled_from(["", " ", "\n "]))
def test_states_parse_as_json_loads_does_and_serialize_as_the_definition_says(state: object, spaces: str) -> None:
    text = spaces + json.dumps(state, ensure_ascii=False) + spaces
    assert parse_state(text) == json.loads(text)
    record = Record(3, "id", 1, "topic", parse_state(text))
    assert canonical(record) == json.dumps(
        {"position": 3, "originator_id": "id", "originator_version": 1, "topic": "topic", "state": state},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.mark.parametrize("text", ["", "{", '{"a": 1} x', "[1,]", "nul"])
def test_a_state_that_is_not_json_is_refused_as_json_loads_refuses_it(text: str) -> None:
    with pytest.raises(ValueError):
        parse_state(text)


@settings(max_examples=150, deadline=None)
@given(gaps=st.lists(st.integers(min_value=1, max_value=4), min_size=1, max_size=60),
       cuts=st.sets(st.integers(min_value=0, max_value=60)),
       wanted=st.lists(st.integers(min_value=-2, max_value=250), max_size=6),
       start=st.integers(min_value=-3, max_value=2))
def test_a_chain_kept_at_wanted_positions_reads_there_as_the_whole_chain_does(
        gaps: list[int], cuts: set[int], wanted: list[int], start: int) -> None:
    """Compacted after any batches, the chain still answers at the wanted positions and its end."""
    whole, kept = Chain(), Chain(wanted)
    position, link = start, GENESIS
    for i, gap in enumerate(gaps):
        position += gap
        link = next_link(link, bytes([i % 256]) * 32)
        whole.append(position, link)
        kept.append(position, link)
        if i in cuts:
            kept.compact()
    kept.compact()
    assert len(kept) == len(whole) and kept.head == whole.head and kept.last() == whole.last()
    for where in wanted:
        assert kept.at(where) == whole.at(where)
    assert len(kept.positions) == 1  # nothing else is held
