"""The roadblocks read model and its queries."""

from __future__ import annotations

from uuid import UUID

import pytest

from projections.queries import roadblocks as q
from tests.conftest import Org
from tests.projections_views.conftest import IT, SALES, SUPPORT, Views, at, d, sid


def _blocked_commitment(org: Org) -> UUID:
    """Raised 03-03 10:00 asking IT, Sales asked 03-04, resolved 03-07 by IT with IT's help."""
    cid = org.commitment(title="Answer within 4 hours")
    with at("2026-03-03", "10:00"):
        org.app.raise_roadblock(org.support_lead, cid, description="Ticket tool is down",
                                help_from=IT)
    with at("2026-03-04"):
        org.app.request_help(org.support_lead, cid, roadblock_id="R1", department=SALES)
    with at("2026-03-07"):
        org.app.resolve_roadblock(org.it_lead, cid, roadblock_id="R1",
                                  resolution="Tool restored", helped_by=IT)
    return cid


def test_a_resolved_roadblock_records_who_asked_whom_and_who_helped(org: Org, views: Views) -> None:
    cid = _blocked_commitment(org)
    [row] = q.roadblocks(views.sync(), d("2026-03-20"))
    assert row["commitment_id"] == sid(cid)
    assert row["title"] == "Answer within 4 hours"
    assert row["department"] == SUPPORT
    assert row["roadblock_id"] == "R1"
    assert row["description"] == "Ticket tool is down"
    assert row["raised_at"] == "2026-03-03T10:00:00+00:00"
    assert row["raised_by"] == sid(org.support_lead)
    assert row["raised_by_name"] == "Customer Service Lead"
    assert row["help_requested"] == [
        {"department": IT, "requested_at": "2026-03-03T10:00:00+00:00",
         "requested_by": sid(org.support_lead)},
        {"department": SALES, "requested_at": "2026-03-04T09:00:00+00:00",
         "requested_by": sid(org.support_lead)},
    ]
    assert row["resolved_at"] == "2026-03-07T09:00:00+00:00"
    assert row["resolved_by"] == sid(org.it_lead)
    assert row["resolved_by_name"] == "IT Lead"
    assert row["resolution"] == "Tool restored"
    assert row["helped_by"] == IT
    assert row["is_open"] is False
    assert row["days_open"] == 4  # 03-03 to 03-07, whatever day we look


@pytest.mark.parametrize(
    ("today", "days_open"),
    [("2026-03-03", 0), ("2026-03-04", 1), ("2026-03-10", 7), ("2026-04-02", 30)],
)
def test_an_open_roadblock_ages_by_calendar_day_as_of_today(
    org: Org, views: Views, today: str, days_open: int
) -> None:
    cid = org.commitment()
    with at("2026-03-03", "23:30"):
        org.app.raise_roadblock(org.support_lead, cid, description="Waiting on a vendor")
    [row] = q.roadblocks(views.sync(), d(today))
    assert (row["is_open"], row["days_open"], row["help_requested"]) == (True, days_open, [])
    assert row["resolved_at"] is None and row["helped_by"] is None


@pytest.fixture
def three_roadblocks(org: Org, views: Views) -> dict[str, tuple[str, str]]:
    """Support: R1 asked IT then Sales, resolved with IT's help; R2 open, asked of Sales.
    IT: R1 open, in-house."""
    support = _blocked_commitment(org)
    with at("2026-03-08"):
        org.app.raise_roadblock(org.support_lead, support, description="No budget", help_from=SALES)
    it = org.commitment(department=IT, owner="lead.it@example.com", actor=org.it_lead,
                        title="Single sign-on")
    with at("2026-03-09"):
        org.app.raise_roadblock(org.it_lead, it, description="Licence pending")
    views.sync()
    return {"support R1": (sid(support), "R1"), "support R2": (sid(support), "R2"),
            "it R1": (sid(it), "R1")}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["support R1", "support R2", "it R1"]),
        ({"state": "open"}, ["support R2", "it R1"]),
        ({"state": "resolved"}, ["support R1"]),
        ({"department": SUPPORT}, ["support R1", "support R2"]),
        ({"department": IT, "state": "resolved"}, []),
        ({"asked": SALES}, ["support R1", "support R2"]),
        ({"asked": IT}, ["support R1"]),
        ({"asked": SALES, "state": "open"}, ["support R2"]),
        ({"asked": SUPPORT}, []),
        ({"helped_by": IT}, ["support R1"]),
        ({"helped_by": SALES}, []),
        ({"limit": 2}, ["support R1", "support R2"]),
    ],
)
def test_roadblocks_filter_by_state_department_asked_and_helper_in_the_order_raised(
    views: Views, three_roadblocks: dict[str, tuple[str, str]], filters: dict[str, object],
    expected: list[str],
) -> None:
    rows = q.roadblocks(views.db, d("2026-03-10"), **filters)  # type: ignore[arg-type]
    assert [(r["commitment_id"], r["roadblock_id"]) for r in rows] == [
        three_roadblocks[name] for name in expected
    ]


def test_roadblocks_of_one_commitment(
    views: Views, three_roadblocks: dict[str, tuple[str, str]]
) -> None:
    support, _ = three_roadblocks["support R1"]
    rows = q.roadblocks(views.db, d("2026-03-10"), commitment_id=support)
    assert [r["roadblock_id"] for r in rows] == ["R1", "R2"]
    assert [r["days_open"] for r in rows] == [4, 2]


def test_an_unknown_state_is_refused(views: Views) -> None:
    with pytest.raises(ValueError):
        q.roadblocks(views.sync(), d("2026-03-10"), state="closed")  # type: ignore[arg-type]


def test_a_roadblock_resolved_after_completion_counts_as_resolved(org: Org, views: Views) -> None:
    cid = org.commitment()
    with at("2026-03-05"):
        org.app.raise_roadblock(org.support_lead, cid, description="Old phone system")
    with at("2026-03-10"):
        org.app.complete(org.support_lead, cid, evidence="Done anyway")
    with at("2026-03-12"):
        org.app.resolve_roadblock(org.support_lead, cid, roadblock_id="R1", resolution="Replaced")
    row = q.roadblock(views.sync(), sid(cid), "R1", d("2026-04-01"))
    assert row is not None
    assert (row["is_open"], row["days_open"], row["helped_by"]) == (False, 7, None)


def test_a_missing_roadblock_is_none(org: Org, views: Views) -> None:
    cid = org.commitment()
    assert q.roadblock(views.sync(), sid(cid), "R1", d("2026-03-02")) is None


def test_oldest_open_are_the_longest_open_first_then_in_the_order_raised(
    org: Org, views: Views, three_roadblocks: dict[str, tuple[str, str]]
) -> None:
    later = org.commitment(title="Stamped out of order")
    with at("2026-03-01"):  # raised after the others in the log, but on an earlier day
        org.app.raise_roadblock(org.support_lead, later, description="Old news")
    with at("2026-03-12"):  # after the day we look: 0 days open, like one raised that day
        org.app.raise_roadblock(org.support_lead, later, description="Tomorrow's news")
    db, today = views.sync(), d("2026-03-10")
    everything = sorted(q.roadblocks(db, today, state="open"), key=lambda r: -r["days_open"])
    for shown in (1, 2, 4, 10):
        rows, total = q.oldest_open(db, today, shown)
        assert rows == everything[:shown]
        assert total == 4
    rows, _ = q.oldest_open(db, today, 10)
    assert [(r["roadblock_id"], r["days_open"]) for r in rows] == [
        ("R1", 9), ("R2", 2), ("R1", 1), ("R2", 0)]
