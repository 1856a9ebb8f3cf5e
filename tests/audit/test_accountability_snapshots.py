"""Accountability as of an instant from the monthly snapshots (`projections.audit.snapshots`)
equals it from every commitment's state then, at many instants: each period's (half month's) first instant and
either side of it, before anything, every event's timestamp, after everything; on the demo
organisation's log and on a story with handovers, moves, contributors and corrections after a
snapshot. A live view's snapshots equal a rebuild's."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlite_utils import Database

from projections.audit import accountability, closed_snapshots, roadblock_snapshots, snapshots
from projections.audit.as_of import departments_as_of
from projections.audit.instants import log_position
from projections.database import open_views
from projections.instants import instant_text
from projections.queries.board import rows
from projections.rebuild import rebuild
from projections.runner import Runner
from projections.views import all_views
from tests.audit.conftest import Demo, caught_up
from tests.conftest import Org
from tracker import clock

UTC = timezone.utc


def figures(db: Database, moment: datetime, *, fast: bool) -> tuple[Any, Any]:
    t, p = instant_text(moment), log_position(db, moment)
    facts = accountability.Facts(db, t, p, moment.date(), fast=fast)
    members = {r["id"]: (r["name"], r["email"]) for r in rows(
        db, "SELECT id, name, email FROM members", {})}
    return (accountability.by_department(facts, departments_as_of(db, t, p)),
            accountability.by_owner(facts, members))


def moments(db: Database) -> list[datetime]:
    """Before the first state, at and either side of every period's first instant and of every
    state's start, and long after the last."""
    starts = sorted({datetime.fromisoformat(r[0]) for r in db.execute(
        "SELECT valid_from FROM commitment_history")})
    found = [starts[0] - timedelta(days=40), starts[-1] + timedelta(days=75)]
    b = snapshots.boundary(starts[0])
    while b <= starts[-1] + timedelta(days=62):
        found += [b - timedelta(microseconds=1), b, b + timedelta(microseconds=1),
                  b + timedelta(days=14, hours=23, minutes=59)]
        b = snapshots.next_boundary(b)
    for s in starts:
        found += [s - timedelta(microseconds=1), s]
    return found


def snapshot_rows(db: Database) -> tuple[list[Any], ...]:
    return (db.execute(f"SELECT * FROM {snapshots.SNAPSHOTS} ORDER BY 1, 2, 3, 4").fetchall(),
            db.execute(f"SELECT * FROM {snapshots.CONTRIBUTED} ORDER BY 1, 2").fetchall(),
            db.execute(f"SELECT * FROM {closed_snapshots.CLOSED} ORDER BY 1, 2, 3, 4").fetchall(),
            db.execute(f"SELECT * FROM {roadblock_snapshots.COUNTS} ORDER BY 1, 2, 3").fetchall(),
            db.execute(f"SELECT * FROM {roadblock_snapshots.DURATIONS} ORDER BY 1, 2, 3").fetchall())


def assert_fast_is_exact(db: Database) -> int:
    taken = db.execute(f"SELECT count(DISTINCT boundary) FROM {snapshots.SNAPSHOTS}").fetchone()[0]
    assert taken >= 2  # the fast way is under test
    checked = 0
    for moment in moments(db):
        assert figures(db, moment, fast=True) == figures(db, moment, fast=False), moment
        checked += 1
    # Also an instant with another offset (its date is not the UTC date the snapshot is of).
    moment = snapshots.boundary(datetime.fromisoformat(db.execute(
        f"SELECT max(boundary) FROM {snapshots.SNAPSHOTS}").fetchone()[0]))
    local = moment.astimezone(timezone(timedelta(hours=-5)))
    assert figures(db, local, fast=True) == figures(db, local, fast=False)
    return checked


def test_the_demo_accountability_from_snapshots_is_exact(demo: Demo) -> None:
    assert assert_fast_is_exact(demo.db) > 100


def test_only_the_share_changing_events_change_a_share(demo: Demo) -> None:
    """The fast way re-counts only the commitments with a SHARE_CHANGES event since the snapshot:
    every other event's state has its commitment's share unchanged (checked on the demo log)."""
    columns = ("department, owner_id, contributors, status, completed_on, due_at_completion,"
               " original_due_date, due_date, due_date_moves, slipped")
    changing = snapshots.SHARE_CHANGES.strip("()").replace("'", "").split(", ")
    before = {r[0]: r[1:] for r in demo.db.execute(
        f"SELECT valid_from_position, {columns} FROM commitment_history")}
    previous: dict[str, Any] = {}
    kinds = set()
    for position, cid, kind in demo.db.execute(
            "SELECT valid_from_position, commitment_id, event_kind FROM commitment_history"
            " ORDER BY valid_from_position"):
        if cid in previous and kind not in changing:
            assert before[position] == previous[cid], (kind, position)
        previous[cid] = before[position]
        kinds.add(kind)
    assert {"ProgressReported", "RoadblockRaised", "Completed", "DueDateMoved"} <= kinds


def test_a_live_views_snapshots_equal_a_rebuilds(demo: Demo, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The demo views were caught up event batch by event batch (live); a rebuild takes them all
    after its load, from a running sum."""
    from projections.database import open_views
    live = open_views(":memory:")
    Runner(demo.app, live, all_views(), batch_size=7).catch_up()
    rebuild(demo.app, tmp_path / "views.sqlite3", all_views(), batch_size=50)
    rebuilt = open_views(tmp_path / "views.sqlite3")
    assert all(snapshot_rows(live))
    assert snapshot_rows(live) == snapshot_rows(rebuilt)
    live.close()
    rebuilt.close()


def at(day: str, time: str = "09:00") -> Any:
    return clock.frozen_at(datetime.fromisoformat(f"{day}T{time}:00+00:00"))


def story(org: Org) -> None:
    """Commitments over four months: handovers, moves to another department, contributors added
    and removed, due dates moved out and in, corrections, completions and a withdrawal, several
    right after a month's first instant and exactly on it."""
    app, lead, it = org.app, org.support_lead, org.it_lead
    with at("2026-04-05"):
        c1 = org.commitment(title="Answer within 4 hours", due_date="2026-05-10", journey="support")
        c2 = org.commitment(title="Self-service portal", department="it", actor=it,
                            owner="lead.it@example.com", due_date="2026-06-02")
        c3 = org.commitment(title="Win-back calls", due_date="2026-05-01")
        c4 = org.commitment(title="Callback queue", due_date="2026-09-01")
    with at("2026-04-10"):  # roadblocks raised and resolved well before c4 moves and changes hands
        app.raise_roadblock(lead, c4, description="No telephony licence", help_from="it")
        app.raise_roadblock(lead, c4, description="No script")
    with at("2026-04-12"):
        app.resolve_roadblock(it, c4, roadblock_id="R1", resolution="licence bought",
                              helped_by="it")
    with at("2026-04-20"):
        app.add_contributor(lead, c1, department="it")
        app.add_contributor(lead, c1, department="sales")
        app.raise_roadblock(lead, c1, description="No budget", help_from="it")
    with at("2026-04-25"):  # open across a boundary and a handover on it
        app.raise_roadblock(lead, c3, description="No call list")
    with at("2026-05-01", "00:00"):  # exactly on a boundary
        app.move_due_date(lead, c1, due_date="2026-06-15", reason="vendor delay")
        app.hand_over(lead, c3, new_owner="cco@example.com", reason="leave")
        app.raise_roadblock(it, c2, description="Vendor slow")
    with at("2026-05-02"):  # open across the move, a boundary and a handover
        app.report_progress(lead, c1, percent=40, note="half way")
        app.raise_roadblock(lead, c1, description="Waiting on IT")
    with at("2026-05-03"):
        app.resolve_roadblock(lead, c1, roadblock_id="R1", resolution="budget", helped_by="it")
        app.move_commitment(org.cco, c1, department="it", reason="it owns it now",
                            new_owner="lead.it@example.com")
        app.correct_commitment(org.cco, c2, reason="typo", title="Portal")
    with at("2026-05-15"):  # by the owner before the handover: help given
        app.resolve_roadblock(lead, c3, roadblock_id="R1", resolution="list found")
    with at("2026-05-16", "00:00"):  # exactly on a boundary (the middle of the month)
        app.raise_roadblock(it, c2, description="Test data missing")
    with at("2026-05-20"):
        app.move_commitment(org.cco, c4, department="it", reason="telephony is IT's",
                            new_owner="lead.it@example.com")
        app.move_due_date(it, c2, due_date="2026-05-25", reason="pulled in")
        app.remove_contributor(it, c1, department="sales")
    with at("2026-05-31", "23:59"):
        app.raise_roadblock(it, c2, description="Late data")
    with at("2026-06-01", "00:00"):
        app.resolve_roadblock(it, c2, roadblock_id="R1", resolution="vendor answered")
        app.complete(it, c2, evidence="Portal live")
    with at("2026-06-03"):  # resolved after completion (R3 stays open)
        app.resolve_roadblock(it, c2, roadblock_id="R2", resolution="data in")
    with at("2026-06-05"):
        app.raise_roadblock(it, c1, description="Need sign-off")
    with at("2026-06-09"):
        app.hand_over(it, c4, new_owner="cco@example.com", reason="the CCO runs it")
        app.withdraw(org.cco, c3, reason="campaign cancelled")
        app.hand_over(it, c1, new_owner="cco@example.com", reason="escalated")
    with at("2026-06-20"):  # by the owner before the handover: help given
        app.resolve_roadblock(it, c1, roadblock_id="R3", resolution="signed")
        app.resolve_roadblock(it, c1, roadblock_id="R2", resolution="IT answered")
    with at("2026-07-02"):
        app.complete(org.cco, c1, evidence="SLA report")
        org.commitment(title="Next quarter", due_date="2026-07-03")


@pytest.mark.parametrize("how", ["live", "rebuilt"])
def test_a_story_of_moves_and_handovers_after_a_snapshot(small: Org, how: str,
                                                         tmp_path) -> None:  # type: ignore[no-untyped-def]
    story(small)
    if how == "live":
        db = caught_up(small.app)
    else:
        rebuild(small.app, tmp_path / "views.sqlite3", all_views())
        db = open_views(tmp_path / "views.sqlite3")
    assert assert_fast_is_exact(db) > 30
    db.close()


def test_a_storys_live_snapshots_equal_a_rebuilds(small: Org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Live, each snapshot after the first takes the contributors', closed commitments' and
    roadblocks' from the one before and the changes since; a rebuild from every commitment,
    span and roadblock: the same rows (handovers, moves, roadblocks raised and resolved on
    boundaries and across them)."""
    story(small)
    live = caught_up(small.app)
    rebuild(small.app, tmp_path / "views.sqlite3", all_views())
    rebuilt = open_views(tmp_path / "views.sqlite3")
    assert all(snapshot_rows(live))
    assert snapshot_rows(live) == snapshot_rows(rebuilt)
    live.close()
    rebuilt.close()


def test_a_late_state_before_a_snapshot_takes_it_again(small: Org) -> None:
    """A clock that ran backwards: a state starting before the latest snapshot's boundary (and
    the one it ends) changes the snapshots from there, which are taken again."""
    app = small.app
    with at("2026-04-05"):
        c1 = small.commitment(title="One", due_date="2026-05-10")
    with at("2026-06-05"):
        small.commitment(title="Two", due_date="2026-06-10")
    db = caught_up(app)
    before = snapshot_rows(db)
    with at("2026-04-25"):  # stamped before the May and June snapshots
        app.move_due_date(small.support_lead, c1, due_date="2026-07-30", reason="late")
    Runner(app, db, all_views()).catch_up()
    after = snapshot_rows(db)
    assert after != before
    fresh = caught_up(app)
    assert snapshot_rows(fresh) == after
    assert assert_fast_is_exact(db) > 10
    moment = datetime(2026, 5, 15, tzinfo=UTC)
    assert figures(db, moment, fast=True)[0][0]["due_date_moves"] == 1


def test_a_late_roadblock_before_a_snapshot_takes_it_again(small: Org) -> None:
    """A clock that ran backwards for roadblock events: stamped before the latest snapshots'
    boundaries while their commitment's state starts after them (a state never starts before
    the one it follows), they count from their own instants, so those snapshots are taken again."""
    app, lead = small.app, small.support_lead
    with at("2026-04-05"):
        c1 = small.commitment(title="One", due_date="2026-08-10")
    with at("2026-06-05"):
        app.report_progress(lead, c1, percent=10, note="started")
        small.commitment(title="Two", due_date="2026-06-10")
    db = caught_up(app)
    before = snapshot_rows(db)
    with at("2026-04-26"):
        app.raise_roadblock(lead, c1, description="Stamped late")
    with at("2026-04-28"):
        app.resolve_roadblock(lead, c1, roadblock_id="R1", resolution="done")
    Runner(app, db, all_views()).catch_up()
    after = snapshot_rows(db)
    assert after != before
    assert snapshot_rows(caught_up(app)) == after
    assert assert_fast_is_exact(db) > 10
    row = figures(db, datetime(2026, 5, 15, tzinfo=UTC), fast=True)[0][0]
    assert (row["roadblocks_raised"], row["roadblocks_resolved"]) == (1, 1)
    assert row["median_days_to_resolve"] == 2


def recounted_roadblock_rows(db: Database) -> tuple[list[Any], list[Any]]:
    """The roadblock snapshots taken again at each of their boundaries from every roadblock raised
    by then (`roadblock_snapshots.take`), in the tables' order."""
    boundaries = [r[0] for r in db.execute(
        f"SELECT DISTINCT boundary FROM {snapshots.SNAPSHOTS} ORDER BY 1")]
    db.execute("BEGIN")
    try:
        db.execute(f"DELETE FROM {roadblock_snapshots.COUNTS}")
        db.execute(f"DELETE FROM {roadblock_snapshots.DURATIONS}")
        for b in boundaries:
            roadblock_snapshots.take(db, b)
        return snapshot_rows(db)[3:]
    finally:
        db.execute("ROLLBACK")


def test_a_rebuilds_roadblock_snapshots_count_a_roadblock_stamped_before_its_commitment(
        small: Org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A clock that ran backwards: a roadblock stamped before a boundary its commitment was made
    after counts only from the commitment's first state on (the first boundary after it). A
    rebuild takes each snapshot from the one before and the commitments changed in between,
    made ones included: the rows `take` counts from every roadblock."""
    app, lead = small.app, small.support_lead
    with at("2026-04-05"):  # the first snapshot is then 16 April's
        small.commitment(title="Zero", due_date="2026-08-01")
    with at("2026-04-20"):
        c1 = small.commitment(title="One", due_date="2026-08-10")
    with at("2026-04-10"):  # before the boundary of 16 April, which c1 was made after
        app.raise_roadblock(lead, c1, description="Stamped early")
    with at("2026-06-05"):
        small.commitment(title="Two", due_date="2026-06-10")
    rebuild(app, tmp_path / "views.sqlite3", all_views())
    db = open_views(tmp_path / "views.sqlite3")
    counts, durations = snapshot_rows(db)[3:]
    assert [r[:4] for r in counts if r[3]] == [
        (b, d, o, 1) for b in ("2026-05-01T00:00:00.000000+00:00",
                               "2026-05-16T00:00:00.000000+00:00",
                               "2026-06-01T00:00:00.000000+00:00")
        for d, o in (("", ""), ("customer-service", str(small.support_lead)))
        if (d, o) != ("", "")]
    assert (counts, durations) == recounted_roadblock_rows(db)
    db.close()


def test_live_snapshots_and_reads_count_a_roadblock_stamped_before_its_commitment(
        small: Org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The same clock that ran backwards, the views kept live event by event: their snapshots
    equal a rebuild's, and a read between boundaries (snapshot plus changes) counts the
    roadblock from its commitment's first state on, as counting every roadblock does."""
    app, lead = small.app, small.support_lead
    db = open_views(tmp_path / "live.sqlite3")
    live = Runner(app, db, all_views())
    with at("2026-04-05"):
        small.commitment(title="Zero", due_date="2026-08-01")
    live.catch_up()
    with at("2026-04-20"):
        c1 = small.commitment(title="One", due_date="2026-08-10")
    live.catch_up()  # takes the snapshot of 16 April, before c1
    with at("2026-04-10"):
        app.raise_roadblock(lead, c1, description="Stamped early")
    live.catch_up()
    with at("2026-06-05"):
        small.commitment(title="Two", due_date="2026-06-10")
    live.catch_up()
    rebuild(app, tmp_path / "views.sqlite3", all_views())
    built = open_views(tmp_path / "views.sqlite3")
    assert snapshot_rows(db) == snapshot_rows(built)
    for moment in (datetime(2026, 4, 25, tzinfo=UTC), datetime(2026, 5, 20, tzinfo=UTC)):
        fast = figures(db, moment, fast=True)
        assert fast == figures(db, moment, fast=False)
        assert [r["roadblocks_raised"] for r in fast[0] if r["roadblocks_raised"]] == [1], moment
    assert assert_fast_is_exact(db) > 10
    built.close()
    db.close()


def test_live_snapshots_are_taken_when_a_backdated_commitment_is_the_first_made(
        small: Org, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Before any snapshot was taken (the states span no boundary after the first commitment's
    period), a commitment made earlier by a clock that ran backwards moves the first period back:
    the boundary between it and the latest state is taken live, as a rebuild takes it."""
    app = small.app
    db = open_views(tmp_path / "live.sqlite3")
    live = Runner(app, db, all_views())
    with at("2026-03-05"):
        small.commitment(title="Zero", due_date="2026-05-01")
    live.catch_up()
    with at("2026-03-10"):
        small.commitment(title="One", due_date="2026-05-10")
    live.catch_up()  # no snapshot yet: the next boundary (16 March) is after every state
    with at("2026-02-25"):
        small.commitment(title="Early", due_date="2026-05-20")
    live.catch_up()  # 1 March now lies between the first commitment's period and the latest state
    rebuild(app, tmp_path / "views.sqlite3", all_views())
    built = open_views(tmp_path / "views.sqlite3")
    assert [r[0] for r in built.execute(f"SELECT DISTINCT boundary FROM {snapshots.SNAPSHOTS}")
            ] == ["2026-03-01T00:00:00.000000+00:00"]
    assert snapshot_rows(db) == snapshot_rows(built)
    moment = datetime(2026, 3, 6, tzinfo=UTC)
    assert figures(db, moment, fast=True) == figures(db, moment, fast=False)
    built.close()
    db.close()


def listed_roadblock_figures(rows: list[Any], key: str, department: str | None
                             ) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """The roadblock figures per key straight from the list of roadblocks raised by then (the
    way they were first counted): (raised, resolved), median days to resolve, help given."""
    counts: dict[str, list[int]] = {}
    durations: dict[str, list[float]] = {}
    helped: dict[str, int] = {}
    for d, owner, days, resolver, helper in rows:
        if department is not None and d != department:
            continue
        k = d if key == "department" else owner
        counts.setdefault(k, [0, 0])[0] += 1
        if days is not None:
            counts[k][1] += 1
            durations.setdefault(k, []).append(days)
        given = helper if key == "department" else (
            resolver if resolver is not None and resolver != owner else None)
        if given:
            helped[given] = helped.get(given, 0) + 1
    medians = {}
    for k, v in durations.items():
        ordered = sorted(v)
        middle = ordered[(len(ordered) - 1) // 2: len(ordered) // 2 + 1]
        medians[k] = sum(middle) / len(middle)
    return {k: tuple(v) for k, v in counts.items()}, medians, helped


def assert_roadblocks_as_listed(db: Database) -> int:
    """Each page row's roadblock figures equal those counted from the list of roadblocks."""
    checked = 0
    for moment in moments(db):
        t, p = instant_text(moment), log_position(db, moment)
        for fast in (True, False):
            facts = accountability.Facts(db, t, p, moment.date(), fast=fast)
            rows_then = facts.roadblocks.listed()
            departments = sorted({r[0] for r in rows_then})
            for key, department in [("department", None), ("owner_id", None)] + [
                    ("owner_id", d) for d in departments]:
                counts, medians, helped = listed_roadblock_figures(rows_then, key, department)
                if key == "department":
                    found = accountability.by_department(
                        facts, [{"slug": d, "name": d} for d in departments])
                else:
                    found = accountability.by_owner(facts, {}, department)
                for row in found:
                    k = row[key]
                    assert (row["roadblocks_raised"], row["roadblocks_resolved"]) == counts.get(
                        k, (0, 0)), (moment, key, k)
                    assert row["median_days_to_resolve"] == medians.get(k), (moment, key, k)
                    assert row["roadblocks_helped"] == helped.get(k, 0), (moment, key, k)
                    checked += bool(row["roadblocks_raised"] or row["roadblocks_helped"])
    return checked


def test_the_demo_roadblock_figures_are_as_listed(demo: Demo) -> None:
    assert assert_roadblocks_as_listed(demo.db) > 100


def test_a_storys_roadblock_figures_are_as_listed(small: Org) -> None:
    story(small)
    assert assert_roadblocks_as_listed(caught_up(small.app)) > 10


def assert_handovers_as_listed(db: Database, monkeypatch: pytest.MonkeyPatch) -> int:
    """The handovers by each instant per owner (in and out) and per department, counted either
    way (the counts now less those after the instant, or every one by then), equal those counted
    from the list of handovers by then."""
    checked = 0
    for moment in moments(db):
        t, p = instant_text(moment), log_position(db, moment)
        listed = db.execute("SELECT department, from_owner, to_owner FROM"
                            " accountability_handovers WHERE position <= ?", [p]).fetchall()
        expected = (Counter(h[2] for h in listed), Counter(h[1] for h in listed),
                    Counter(h[0] for h in listed))
        for cap in (0, 10**9):  # 0: every one by then; else the counts now less the later ones
            monkeypatch.setattr(accountability, "_CAP", cap)
            facts = accountability.Facts(db, t, p, moment.date())
            assert (facts.handovers_in, facts.handovers_out, facts.department_handovers) == \
                expected, (moment, cap)
            for department in expected[2]:
                ins, outs = facts.handovers(department)
                assert (ins, outs) == (Counter(h[2] for h in listed if h[0] == department),
                                       Counter(h[1] for h in listed if h[0] == department))
        checked += bool(listed)
    return checked


def test_the_demo_handovers_as_of_are_as_listed(demo: Demo, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    assert assert_handovers_as_listed(demo.db, monkeypatch) > 10


def test_a_storys_handovers_as_of_are_as_listed(small: Org, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    """Handovers on a boundary, across one, and after the last snapshot."""
    story(small)
    assert assert_handovers_as_listed(caught_up(small.app), monkeypatch) > 10
