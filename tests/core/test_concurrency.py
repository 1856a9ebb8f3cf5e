"""Optimistic concurrency: whoever writes second is told, nothing is recorded, nothing is lost."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from tests.conftest import Org, build_org, make_app
from tests.core.support import decoded_events, event_log, refused
from tests.waiting import HANG
from tracker.application import CxTracker
from tracker.errors import Conflict

VERSIONED: dict[str, Callable[[Org, UUID, int], object]] = {
    "report_progress": lambda o, c, v: o.app.report_progress(
        o.support_lead, c, percent=40, expected_version=v),
    "move_due_date": lambda o, c, v: o.app.move_due_date(
        o.support_lead, c, due_date="2026-07-31", reason="Slipped", expected_version=v),
    "hand_over": lambda o, c, v: o.app.hand_over(
        o.support_lead, c, new_owner="cco@example.com", reason="Escalation", expected_version=v),
    "raise_roadblock": lambda o, c, v: o.app.raise_roadblock(
        o.support_lead, c, description="Another problem", expected_version=v),
    "request_help": lambda o, c, v: o.app.request_help(
        o.support_lead, c, roadblock_id="R1", department="sales", expected_version=v),
    "resolve_roadblock": lambda o, c, v: o.app.resolve_roadblock(
        o.support_lead, c, roadblock_id="R1", resolution="Fixed", expected_version=v),
    "complete": lambda o, c, v: o.app.complete(
        o.support_lead, c, evidence="Median 3h", expected_version=v),
    "withdraw": lambda o, c, v: o.app.withdraw(
        o.support_lead, c, reason="Superseded", expected_version=v),
}


@pytest.fixture
def read_at(org: Org) -> tuple[UUID, int]:
    """A commitment with a roadblock, and the version a user read it at."""
    commitment = org.commitment()
    org.app.raise_roadblock(org.support_lead, commitment, description="Tool times out",
                            help_from="it")
    return commitment, org.app.commitment(commitment)["version"]


@pytest.mark.parametrize("command", list(VERSIONED))
def test_a_command_based_on_a_stale_version_is_refused_as_a_conflict_and_nothing_is_recorded(
    org: Org, read_at: tuple[UUID, int], command: str
) -> None:
    commitment, version = read_at
    org.app.add_note(org.it_lead, commitment, text="Someone else got there first")
    with refused(org.app, Conflict):
        VERSIONED[command](org, commitment, version)


@pytest.mark.parametrize("command", list(VERSIONED))
def test_a_command_based_on_the_current_version_is_accepted(
    org: Org, read_at: tuple[UUID, int], command: str
) -> None:
    commitment, version = read_at
    receipt = VERSIONED[command](org, commitment, version)
    assert receipt.version > version  # type: ignore[attr-defined]
    assert org.app.commitment(commitment)["version"] == receipt.version  # type: ignore[attr-defined]


# Two application servers sharing one SQLite event store.


@pytest.fixture
def two_writers(tmp_path: Path) -> Iterator[tuple[Org, CxTracker]]:
    first = make_app("sqlite", tmp_path)
    org = build_org(first)
    second = make_app("sqlite", tmp_path)
    yield org, second
    second.close()
    first.close()


def test_two_writers_of_one_commitment_one_wins_and_the_other_is_told_and_can_retry(
    two_writers: tuple[Org, CxTracker],
) -> None:
    org, second = two_writers
    first = org.app
    commitment = org.commitment()

    # The second server loads the commitment and changes it, but the first one saves first.
    # (Twice over: a failed save has taken the pending events of the copy it was given.)
    copies = [second.repository.get(commitment) for _ in range(2)]
    for copy in copies:
        copy.report_progress(60, "From the second server", actor=org.support_lead)
    winner = first.report_progress(org.support_lead, commitment, percent=30, note="From the first")
    with pytest.raises(IntegrityError):  # the store refuses the clashing version ...
        second.save(copies[0])
    with refused(second, Conflict):  # ... and the service tells its caller, recording nothing
        second._store(copies[1])

    log = event_log(second)
    assert log[-1][0] == winner.position and log[-1][3] == "cx-tracker/commitment/ProgressReported"
    assert second.commitment(commitment)["progress"] == 30

    retried = second.report_progress(org.support_lead, commitment, percent=60, note="Retried")
    assert retried.version == winner.version + 1
    assert [e.note for e in decoded_events(first, start=winner.position)] == [
        "From the first", "Retried"]
    assert first.commitment(commitment)["progress"] == 60


def test_racing_writers_lose_no_event_and_record_none_twice(
    two_writers: tuple[Org, CxTracker],
) -> None:
    org, second = two_writers
    commitment = org.commitment()
    start = org.app.commitment(commitment)["version"]
    rounds = 40
    barrier = threading.Barrier(2, timeout=HANG)
    outcomes: dict[str, list[int | None]] = {"first": [], "second": []}
    failures: list[BaseException] = []

    def write(name: str, app: CxTracker) -> None:
        try:
            for i in range(rounds):
                barrier.wait()  # both load the same version, then race to save
                try:
                    receipt = app.report_progress(org.support_lead, commitment, percent=i,
                                                  note=f"{name} {i}")
                except Conflict:
                    outcomes[name].append(None)
                else:
                    outcomes[name].append(receipt.version)
        except BaseException as e:  # reported below, not lost in the thread
            failures.append(e)
            barrier.abort()

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(write, name, app))
        for name, app in (("first", org.app), ("second", second))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []

    won = {name: [v for v in versions if v is not None] for name, versions in outcomes.items()}
    conflicts = sum(v is None for versions in outcomes.values() for v in versions)
    assert conflicts > 0, "the barrier should make the writers collide"
    successes = len(won["first"]) + len(won["second"])
    assert successes + conflicts == 2 * rounds

    stored = [e for e in decoded_events(org.app) if e.originator_id == commitment][1:]
    assert len(stored) == successes
    assert [e.originator_version for e in stored] == list(range(start + 1, start + successes + 1))
    assert sorted(won["first"] + won["second"]) == [e.originator_version for e in stored]
    notes = [e.note for e in stored]
    assert len(set(notes)) == len(notes)
    for name, versions in won.items():  # each success is exactly the event its writer sent
        assert {e.originator_version for e in stored if e.note.startswith(name)} == set(versions)
    assert second.commitment(commitment)["version"] == start + successes
