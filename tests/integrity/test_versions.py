"""A walk keeps each aggregate's last version in bounded memory: beyond a limit, on disk."""

from __future__ import annotations

import pytest

from tracker.integrity import versions
from tracker.integrity.records import Record
from tracker.integrity.versions import Versions
from tracker.integrity.walk import Walk

STAMP = {"timestamp": {"_type_": "datetime_iso", "_data_": "2026-03-01T09:00:00+00:00"}}


def log(aggregates: int, versions_each: int) -> list[Record]:
    """Aggregates interleaved: version 1 of each, then version 2 of each, ..."""
    records, position = [], 0
    for version in range(1, versions_each + 1):
        for n in range(aggregates):
            position += 1
            records.append(Record(position, f"{n:08d}-0000-0000-0000-000000000000", version,
                                  "cx-tracker/test/Happened", STAMP))
    return records


def walk(records: list[Record], batch: int = 7) -> Walk:
    w = Walk(wanted=())
    for start in range(0, len(records), batch):
        w.feed(records[start:start + batch])
    return w.finish()


@pytest.fixture
def small_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(versions, "LIMIT", 5)
    monkeypatch.setattr(Versions.__init__, "__defaults__", (5,))


def test_versions_in_order_across_spills_pass(small_limit: None) -> None:
    w = walk(log(aggregates=40, versions_each=3))
    assert w.count == 120
    assert w.divergence_count == 0, [d.problem for d in w.divergences]


def test_a_version_repeated_after_its_entry_was_spilled_to_disk_is_found(small_limit: None) -> None:
    records = log(aggregates=40, versions_each=2)
    first = records[0]  # aggregate 0, version 1: long since spilled by the end
    records.append(first._replace(position=len(records) + 1))
    w = walk(records)
    assert w.divergence_count == 1
    assert "comes after its version 2" in w.divergences[0].problem


def test_a_missing_version_after_a_spill_is_found(small_limit: None) -> None:
    records = [r for r in log(aggregates=30, versions_each=3)
               if not (r.originator_version == 2 and r.originator_id.startswith("00000003"))]
    w = walk([r._replace(position=i) for i, r in enumerate(records, start=1)])
    assert w.divergence_count == 1
    assert "follows its version 1" in w.divergences[0].problem


def test_memory_holds_at_most_the_limit_between_batches() -> None:
    kept = Versions(limit=10)
    kept.recent.update({f"id-{n}": 1 for n in range(25)})
    kept.spill()
    assert kept.recent == {}
    kept.fetch(["id-3", "id-24", "id-99"])
    assert kept.recent == {"id-3": 1, "id-24": 1}
    kept.close()
