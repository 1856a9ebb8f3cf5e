"""The board as of an instant as the board page showed it then: the open commitments and those
closed in the 90 days before (`board_as_of(closed_since=...)`), the older closed ones counted
(`closed_counts_as_of`). Each equals the live board's queries on read models rebuilt from the
log up to that instant, for the demo's instants and for hand-written edges: closed exactly 90
days before, withdrawn and then noted, completed with an earlier completion date, made exactly
at the instant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlite_utils import Database

from projections.audit.instants import parse_audit_instant
from projections.queries import board
from projections.queries.history import (
    board_as_of, closed_counts_as_of, closed_counts_by_department,
)
from tests.audit.conftest import Demo, caught_up, instants, views_until
from tests.conftest import build_org, make_app
from tests.projections_property.replay import read_log
from tests.web.cco_helpers import on
from tracker.application import CxTracker

UTC = timezone.utc
DAYS = board.RECENTLY_CLOSED_DAYS
DEPARTMENTS = ("customer-service", "it", "sales")


def since(moment: datetime) -> date:
    return moment.astimezone(UTC).date() - timedelta(days=DAYS)


def shown_then(db: Database, moment: datetime, department: str | None = None) -> list[dict[str, Any]]:
    return board_as_of(db, moment, department=department, closed_since=since(moment))


def counts_then(db: Database, moment: datetime, department: str | None = None) -> dict[str, int]:
    found = closed_counts_by_department(closed_counts_as_of(db, moment, department=department))
    total = dict.fromkeys(board.CLOSED, 0)
    for counts in found.values():
        for h, n in counts.items():
            total[h] += n
    return total


def assert_as_replayed(db: Database, replayed: Database, moment: datetime,
                       departments: tuple[str, ...]) -> list[dict[str, Any]]:
    """The as-of board page's reads equal the live board page's reads on the replayed views."""
    today = moment.astimezone(UTC).date()
    shown = shown_then(db, moment)
    assert shown == board.board(replayed, today=today, closed_since=since(moment))
    assert counts_then(db, moment) == board.closed_counts(replayed)
    for d in departments:
        assert shown_then(db, moment, d) == board.board(
            replayed, today=today, department=d, closed_since=since(moment))
        assert counts_then(db, moment, d) == board.closed_counts(replayed, department=d)
    # Every commitment made by then is open, shown, or counted among the older closed ones.
    whole = board_as_of(db, moment)
    assert {c["id"] for c in shown} <= {c["id"] for c in whole}
    assert sum(c["status"] != "open" for c in whole) == sum(counts_then(db, moment).values())
    return shown


@pytest.mark.parametrize("i", range(8))
def test_the_demos_board_then_is_the_replayed_board_page(demo: Demo, i: int) -> None:
    moment = instants(demo)[i]
    replayed = demo.replayed(moment)
    try:
        departments = tuple(r[0] for r in replayed.execute("SELECT slug FROM departments"))
        assert_as_replayed(demo.db, replayed, moment, departments)
    finally:
        replayed.close()


def test_the_demos_late_board_leaves_older_closed_ones_out_and_counts_them(demo: Demo) -> None:
    moment = instants(demo)[-1]
    shown = shown_then(demo.db, moment)
    whole = board_as_of(demo.db, moment)
    older = sum(counts_then(demo.db, moment).values()) - sum(c["status"] != "open" for c in shown)
    assert older > 0 and len(shown) + older == len(whole)
    assert [c for c in whole if c["status"] == "open"] == [c for c in shown if c["status"] == "open"]


# Hand-written edges


def at(day: str, hour: int = 9) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


class Edges:
    """A small plan whose commitments close at the edges of the 90 days."""

    def __init__(self, app: CxTracker) -> None:
        self.app = app
        with on("2026-01-02"):
            org = build_org(app)
        lead = org.support_lead
        with on("2026-01-05"):
            self.done = org.commitment(title="Done on Feb 1", due_date="2026-03-31")
            self.withdrawn = org.commitment(title="Withdrawn on Feb 1, noted on Jun 20",
                                            due_date="2026-03-31", journey="support")
            self.backdated = org.commitment(title="Completed on Jun 10, dated Jan 20",
                                            due_date="2026-06-30")
            self.open = org.commitment(title="Never closed", due_date="2026-12-31",
                                       department="it", owner="lead.it@example.com",
                                       actor=org.it_lead)
            self.late = org.commitment(title="Done late on Jan 10", due_date="2026-01-08")
        with on("2026-01-10"):
            app.complete(lead, self.late, evidence="Shipped", completed_on="2026-01-10")
        with on("2026-02-01"):
            app.complete(lead, self.done, evidence="Shipped", completed_on="2026-02-01")
            app.withdraw(lead, self.withdrawn, reason="No longer needed")
        with on("2026-05-02"):
            self.made_at = at("2026-05-02")
            self.made_then = org.commitment(title="Made at the instant", due_date="2026-07-31")
        with on("2026-06-10"):
            app.complete(lead, self.backdated, evidence="Was done in January",
                         completed_on="2026-01-20")
        with on("2026-06-20"):
            app.add_note(lead, self.withdrawn, text="For the record: replaced by another plan")
        self.db = caught_up(app)
        self.entries = read_log(app)

    def replayed(self, moment: datetime) -> Database:
        return views_until(self.app, max((e.position for e in self.entries
                                           if e.timestamp <= moment), default=0))

    def check(self, moment: datetime) -> set[str]:
        """The titles shown then, after checking the reads against a replay."""
        replayed = self.replayed(moment)
        try:
            return {c["title"] for c in assert_as_replayed(self.db, replayed, moment, DEPARTMENTS)}
        finally:
            replayed.close()


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edges]:
    app = make_app("memory", tmp_path_factory.mktemp("edges"))
    found = Edges(app)
    yield found
    found.db.close()
    app.close()


def test_a_commitment_completed_exactly_90_days_before_is_shown_and_a_day_later_counted(
        edges: Edges) -> None:
    last_day = parse_audit_instant("2026-05-02")  # 2026-02-01 + 90 days
    assert since(last_day) == date(2026, 2, 1)
    assert "Done on Feb 1" in edges.check(last_day)
    assert "Done on Feb 1" not in edges.check(parse_audit_instant("2026-05-03T00:00"))
    assert counts_then(edges.db, last_day) == {"done late": 1, "done": 1, "withdrawn": 1}
    assert counts_then(edges.db, parse_audit_instant("2026-05-03T00:00"), "customer-service") == {
        "done late": 1, "done": 1, "withdrawn": 1}


def test_a_withdrawn_commitment_is_recent_by_its_last_event_then(edges: Edges) -> None:
    title = "Withdrawn on Feb 1, noted on Jun 20"
    assert title in edges.check(parse_audit_instant("2026-05-02"))
    # The note of June 20 is not yet written on May 3: its withdrawal alone is too old.
    assert title not in edges.check(parse_audit_instant("2026-05-03"))
    assert title in edges.check(parse_audit_instant("2026-06-20"))
    assert title in edges.check(parse_audit_instant("2026-09-18"))  # 2026-06-20 + 90 days
    assert title not in edges.check(parse_audit_instant("2026-09-19"))


def test_an_open_commitment_later_completed_with_an_earlier_date_is_shown_until_it_closes(
        edges: Edges) -> None:
    title = "Completed on Jun 10, dated Jan 20"
    assert title in edges.check(parse_audit_instant("2026-06-09"))
    assert title not in edges.check(parse_audit_instant("2026-06-10"))  # done, dated too long ago
    assert counts_then(edges.db, parse_audit_instant("2026-06-10"))["done"] == 2


def test_a_commitment_made_exactly_at_the_instant_is_on_the_board_a_microsecond_later_it_is_not(
        edges: Edges) -> None:
    assert "Made at the instant" in edges.check(edges.made_at)
    assert "Made at the instant" not in edges.check(edges.made_at - timedelta(microseconds=1))


def test_open_commitments_stay_whatever_their_age_and_nothing_is_shown_before_anything(
        edges: Edges) -> None:
    assert edges.check(parse_audit_instant("2026-12-31")) >= {"Never closed"}
    assert edges.check(parse_audit_instant("2027-06-30")) == {"Never closed", "Made at the instant"}
    assert edges.check(at("2026-01-05") - timedelta(microseconds=1)) == set()
    assert counts_then(edges.db, parse_audit_instant("2026-01-09")) == {
        "done late": 0, "done": 0, "withdrawn": 0}


def test_a_commitment_closed_exactly_at_the_instant_is_counted_closed_then(edges: Edges) -> None:
    closing = at("2026-02-01")  # "Done on Feb 1" completed and the other one withdrawn
    assert "Done on Feb 1" in edges.check(closing)
    assert "Done on Feb 1" in edges.check(closing - timedelta(microseconds=1))
    assert counts_then(edges.db, closing) == {"done late": 1, "done": 1, "withdrawn": 1}
    assert counts_then(edges.db, closing - timedelta(microseconds=1)) == {
        "done late": 1, "done": 0, "withdrawn": 0}
