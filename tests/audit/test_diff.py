"""The diff between two instants equals the difference between two replays of the log."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from projections.audit.changes import FIELDS
from projections.audit.diff import plan_diff
from tests.audit.conftest import Demo
from tests.projections_property.replay import replay_board

UTC = timezone.utc
PAIRS = [
    ("2026-05-01", "2026-06-15"),
    ("2026-06-15", "2026-07-20T12:30"),
    ("2026-07-20T12:30", "2026-09-01"),
    ("2026-09-01", "2026-11-30"),
    ("2026-05-01", "2026-11-30"),
]


def moment(text: str) -> datetime:
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(hour=23, minute=59, second=59,
                                                    microsecond=999999, tzinfo=UTC)
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def key(row: dict, field: str):  # type: ignore[no-untyped-def, type-arg]
    return row["owner_id"] if field == "owner" else row[field]


@pytest.mark.parametrize("a, b", PAIRS)
def test_the_diff_is_the_difference_of_two_replays(demo: Demo, a: str, b: str) -> None:
    first, second = moment(a), moment(b)
    old = {c["id"]: c for c in replay_board(demo.entries, first)}
    new = {c["id"]: c for c in replay_board(demo.entries, second)}
    closed = {
        status: {i for i, c in new.items()
                 if c["status"] == status and (i not in old or old[i]["status"] != status)}
        for status in ("completed", "withdrawn")
    }
    changed = {i for i in new if i in old and i not in closed["completed"] | closed["withdrawn"]
               and any(key(old[i], f) != key(new[i], f) for f in FIELDS)}
    between = [e for e in demo.entries if first < e.timestamp <= second]
    raised = [(str(e.aggregate_id), e.state["roadblock_id"]) for e in between if e.kind == "RoadblockRaised"]
    resolved = [(str(e.aggregate_id), e.state["roadblock_id"]) for e in between if e.kind == "RoadblockResolved"]

    diff = plan_diff(demo.db, first, second)

    assert [c["id"] for c in diff.added] == [i for i in new if i not in old]
    assert {c["id"] for c in diff.completed} == closed["completed"]
    assert {c["id"] for c in diff.withdrawn} == closed["withdrawn"]
    assert {c["id"] for c in diff.changed} == changed
    for c in diff.changed + diff.completed:
        if c["id"] in old:
            expected = {f for f in FIELDS if key(old[c["id"]], f) != key(new[c["id"]], f)}
            if old[c["id"]]["health"] != new[c["id"]]["health"]:
                expected.add("health")
            assert {ch["field"] for ch in c["changes"]} == expected
            for ch in c["changes"]:
                if ch["field"] not in ("owner", "health"):
                    assert (ch["before"], ch["after"]) == (old[c["id"]][ch["field"]], new[c["id"]][ch["field"]])
    assert [(r["commitment_id"], r["roadblock_id"]) for r in diff.roadblocks_opened] == raised
    assert sorted((r["commitment_id"], r["roadblock_id"]) for r in diff.roadblocks_resolved) == sorted(resolved)


def test_the_demo_pairs_see_every_kind_of_change(demo: Demo) -> None:
    diff = plan_diff(demo.db, moment("2026-05-01"), moment("2026-11-30"))
    assert diff.added and diff.completed and diff.withdrawn and diff.roadblocks_opened
    assert diff.roadblocks_resolved and not diff.changed  # everything was made in between
    middle = plan_diff(demo.db, moment("2026-07-20T12:30"), moment("2026-09-01"))
    assert middle.changed and middle.completed


def test_an_empty_interval_changes_nothing_and_a_reversed_one_is_refused(demo: Demo) -> None:
    at = moment("2026-08-01")
    same = plan_diff(demo.db, at, at)
    assert not (same.added or same.changed or same.completed or same.withdrawn
                or same.roadblocks_opened or same.roadblocks_resolved)
    with pytest.raises(ValueError, match="must not be later"):
        plan_diff(demo.db, at, at - timedelta(seconds=1))
