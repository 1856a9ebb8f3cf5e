"""Accountability per department and per owner, on small scenarios worked out by hand."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from projections.queries import accountability as q
from tests.conftest import NOW, Org
from tests.projections_views.conftest import (
    IT, SALES, SUPPORT, Views, add_member, at, d, sid,
)
from tracker import clock

FIGURES = ("made", "open", "kept", "kept_on_original", "late", "missed", "withdrawn",
           "due_so_far", "due_date_moves", "days_slipped", "roadblocks_raised",
           "roadblocks_resolved", "roadblocks_helped", "median_days_to_resolve", "say_do")


def dept(views: Views, today: str, department: str = SUPPORT) -> dict[str, Any]:
    rows = {r["department"]: r for r in q.by_department(views.sync(), d(today))}
    return rows[department]


def owner(views: Views, today: str, member: UUID, department: str | None = None) -> dict[str, Any]:
    rows = {r["owner_id"]: r for r in q.by_owner(views.sync(), d(today), department)}
    return rows[sid(member)]


def figures(row: dict[str, Any], **expected: Any) -> dict[str, Any]:
    """The row's values for the expected keys, to compare with `expected` in one assert."""
    return {key: row[key] for key in expected}


def test_every_department_is_listed_in_plan_order_even_with_nothing_made(
    org: Org, views: Views
) -> None:
    rows = q.by_department(views.sync(), d("2026-03-02"))
    assert [(r["department"], r["department_name"]) for r in rows] == [
        (SUPPORT, "Customer Service"), (IT, "IT"), (SALES, "Sales"),
    ]
    for row in rows:
        assert {k: row[k] for k in FIGURES} == {
            **{k: 0 for k in FIGURES}, "median_days_to_resolve": None, "say_do": None,
        }
        assert row["handovers"] == 0
    assert q.by_owner(views.db, d("2026-03-02")) == []


def test_say_do_is_none_while_nothing_is_due(org: Org, views: Views) -> None:
    org.commitment(due_date="2026-06-30")
    row = dept(views, "2026-03-02")
    assert figures(row, made=1, open=1, due_so_far=0, missed=0, say_do=None) == dict(
        made=1, open=1, due_so_far=0, missed=0, say_do=None)
    assert owner(views, "2026-03-02", org.support_lead)["say_do"] is None


@pytest.mark.parametrize(
    ("moves", "count", "slipped"),
    [
        (["2026-04-11"], 1, 10),
        (["2026-04-11", "2026-04-20"], 2, 19),  # 10 + 9
        (["2026-04-11", "2026-04-05"], 2, 10),  # 10 + 0: pulling in is no negative slip
        (["2026-03-20"], 1, 0),  # pulled in 12 days
        (["2026-03-20", "2026-04-11"], 2, 22),  # 0 + 22, measured from the date in force
    ],
)
def test_due_date_moves_count_and_only_later_dates_slip(
    org: Org, views: Views, moves: list[str], count: int, slipped: int
) -> None:
    cid = org.commitment(due_date="2026-04-01")
    for new in moves:
        org.app.move_due_date(org.support_lead, cid, due_date=new, reason="Vendor late")
    expected = dict(due_date_moves=count, days_slipped=slipped)
    assert figures(dept(views, "2026-03-02"), **expected) == expected
    assert figures(owner(views, "2026-03-02", org.support_lead), **expected) == expected


@pytest.mark.parametrize(
    ("due", "moved_to", "completed_on", "kept", "kept_on_original", "late"),
    [
        ("2026-03-10", None, "2026-03-10", 1, 1, 0),  # on the day itself
        ("2026-03-10", None, "2026-03-11", 0, 0, 1),
        ("2026-03-10", "2026-03-20", "2026-03-05", 1, 1, 0),  # before either date
        ("2026-03-10", "2026-03-20", "2026-03-15", 1, 0, 0),  # kept, but only on the moved date
        ("2026-03-10", "2026-03-20", "2026-03-20", 1, 0, 0),
        ("2026-03-10", "2026-03-20", "2026-03-25", 0, 0, 1),  # late even on the moved date
        ("2026-03-20", "2026-03-10", "2026-03-15", 0, 0, 1),  # pulled in, then missed it
    ],
)
def test_a_completion_is_kept_or_late_against_the_due_date_in_force(
    org: Org, views: Views, due: str, moved_to: str | None, completed_on: str,
    kept: int, kept_on_original: int, late: int,
) -> None:
    cid = org.commitment(due_date=due)
    if moved_to:
        org.app.move_due_date(org.support_lead, cid, due_date=moved_to, reason="Re-planned")
    with at(completed_on):
        org.app.complete(org.support_lead, cid, evidence="Shipped")
    expected = dict(made=1, open=0, kept=kept, kept_on_original=kept_on_original, late=late,
                    missed=0, due_so_far=1, say_do=float(kept_on_original))
    assert figures(dept(views, "2026-04-30"), **expected) == expected
    assert figures(owner(views, "2026-04-30", org.support_lead), **expected) == expected


@pytest.mark.parametrize(
    ("moved_to", "today", "missed", "due_so_far", "say_do"),
    [
        (None, "2026-03-09", 0, 0, None),
        (None, "2026-03-10", 0, 1, 0.0),  # due today: due so far, not yet missed
        (None, "2026-03-11", 1, 1, 0.0),
        ("2026-03-20", "2026-03-15", 0, 1, 0.0),  # not missed on the moved date, but was due
        ("2026-03-20", "2026-03-21", 1, 1, 0.0),
    ],
)
def test_an_open_commitment_is_missed_once_its_due_date_in_force_has_passed(
    org: Org, views: Views, moved_to: str | None, today: str, missed: int, due_so_far: int,
    say_do: float | None,
) -> None:
    cid = org.commitment(due_date="2026-03-10")
    if moved_to:
        org.app.move_due_date(org.support_lead, cid, due_date=moved_to, reason="Re-planned")
    expected = dict(open=1, missed=missed, due_so_far=due_so_far, say_do=say_do)
    assert figures(dept(views, today), **expected) == expected
    assert figures(owner(views, today, org.support_lead), **expected) == expected


@pytest.mark.parametrize(
    ("today", "due_so_far", "say_do"), [("2026-03-08", 0, None), ("2026-03-20", 1, 0.0)]
)
def test_a_withdrawn_commitment_is_never_missed_but_counts_as_due_after_its_original_date(
    org: Org, views: Views, today: str, due_so_far: int, say_do: float | None
) -> None:
    cid = org.commitment(due_date="2026-03-10")
    with at("2026-03-05"):
        org.app.withdraw(org.support_lead, cid, reason="Superseded")
    expected = dict(made=1, open=0, withdrawn=1, missed=0, kept=0, late=0,
                    due_so_far=due_so_far, say_do=say_do)
    assert figures(dept(views, today), **expected) == expected


def test_say_do_divides_kept_on_the_original_date_by_what_is_due_so_far(
    org: Org, views: Views
) -> None:
    a = org.commitment(due_date="2026-03-10", title="A kept on time")
    b = org.commitment(due_date="2026-03-10", title="B kept on a moved date")
    org.commitment(due_date="2026-03-12", title="C open and overdue")
    org.commitment(due_date="2026-06-30", title="D open, not due")
    e = org.commitment(due_date="2026-06-30", title="E done early")
    f = org.commitment(due_date="2026-03-11", title="F withdrawn")
    org.app.move_due_date(org.support_lead, b, due_date="2026-03-20", reason="Waiting on IT")
    with at("2026-03-05"):
        org.app.complete(org.support_lead, e, evidence="Early")
    with at("2026-03-06"):
        org.app.withdraw(org.support_lead, f, reason="Superseded")
    with at("2026-03-09"):
        org.app.complete(org.support_lead, a, evidence="On time")
    with at("2026-03-14"):
        org.app.complete(org.support_lead, b, evidence="On the new date")
    # Due so far on 03-15: A, B, E (completed), C (03-12), F (03-11); not D. Kept on the
    # original date: A and E.
    expected = dict(made=6, open=2, kept=3, kept_on_original=2, late=0, missed=1, withdrawn=1,
                    due_so_far=5, say_do=2 / 5, due_date_moves=1, days_slipped=10)
    assert figures(dept(views, "2026-03-15"), **expected) == expected
    assert figures(owner(views, "2026-03-15", org.support_lead), **expected) == expected
    assert figures(dept(views, "2026-03-15", IT), made=0, say_do=None) == dict(made=0, say_do=None)


def test_handed_over_and_back_counts_one_in_and_one_out_for_each_owner(
    org: Org, views: Views
) -> None:
    ann = add_member(org, "ann@example.com", "Ann Agent")
    cid = org.commitment()
    with at("2026-03-03"):
        org.app.hand_over(org.support_lead, cid, new_owner="ann@example.com", reason="Holiday")
    with at("2026-03-04"):
        org.app.hand_over(org.support_lead, cid, new_owner="lead.customer-service@example.com",
                          reason="Back from holiday")
    lead = owner(views, "2026-03-05", org.support_lead)
    assert figures(lead, made=1, handovers_in=1, handovers_out=1) == dict(
        made=1, handovers_in=1, handovers_out=1)
    agent = owner(views, "2026-03-05", ann)
    assert agent["owner_name"] == "Ann Agent" and agent["owner_email"] == "ann@example.com"
    assert figures(agent, made=0, open=0, handovers_in=1, handovers_out=1) == dict(
        made=0, open=0, handovers_in=1, handovers_out=1)
    assert dept(views, "2026-03-05")["handovers"] == 2


def test_a_commitment_counts_for_its_owner_at_the_outcome(org: Org, views: Views) -> None:
    ann = add_member(org, "ann@example.com", "Ann Agent")
    cid = org.commitment(due_date="2026-03-10")
    org.app.move_due_date(org.support_lead, cid, due_date="2026-03-13", reason="Scope grew")
    with at("2026-03-03"):
        org.app.hand_over(org.support_lead, cid, new_owner="ann@example.com", reason="Expertise")
    with at("2026-03-16"):
        org.app.complete(org.support_lead, cid, evidence="Late but done")
    expected = dict(made=1, late=1, kept=0, due_date_moves=1, days_slipped=3,
                    handovers_in=1, handovers_out=0)
    assert figures(owner(views, "2026-03-20", ann), **expected) == expected
    expected = dict(made=0, late=0, due_date_moves=0, handovers_in=0, handovers_out=1)
    assert figures(owner(views, "2026-03-20", org.support_lead), **expected) == expected


def test_per_owner_figures_can_be_limited_to_one_department(org: Org, views: Views) -> None:
    org.commitment(title="Support's own")
    org.commitment(title="Support's, owned by the CCO", owner="cco@example.com")
    org.commitment(department=IT, actor=org.it_lead, owner="cco@example.com",
                   title="IT's, owned by the CCO")  # an owner must be able to act for it
    org.commitment(department=IT, actor=org.it_lead, owner="lead.it@example.com",
                   title="IT's own")
    assert owner(views, "2026-03-02", org.cco)["made"] == 2
    assert owner(views, "2026-03-02", org.cco, SUPPORT)["made"] == 1
    by_it = q.by_owner(views.db, d("2026-03-02"), IT)
    assert [(r["owner_name"], r["made"]) for r in by_it] == [("Cara Cole", 1), ("IT Lead", 1)]
    assert q.by_owner(views.db, d("2026-03-02"), SALES) == []


def test_help_from_two_departments_counts_for_the_one_that_helped(org: Org, views: Views) -> None:
    cid = org.commitment()
    with at("2026-03-03", "10:00"):
        org.app.raise_roadblock(org.support_lead, cid, description="Tool down", help_from=IT)
    with at("2026-03-04"):
        org.app.request_help(org.support_lead, cid, roadblock_id="R1", department=SALES)
    with at("2026-03-07"):
        org.app.resolve_roadblock(org.it_lead, cid, roadblock_id="R1", resolution="Restored",
                                  helped_by=IT)
    days = 3 + 23 / 24  # 03-03 10:00 to 03-07 09:00
    rows = {r["department"]: r for r in q.by_department(views.sync(), d("2026-03-10"))}
    assert figures(rows[SUPPORT], roadblocks_raised=1, roadblocks_resolved=1,
                   roadblocks_helped=0) == dict(
        roadblocks_raised=1, roadblocks_resolved=1, roadblocks_helped=0)
    assert rows[SUPPORT]["median_days_to_resolve"] == pytest.approx(days)
    assert figures(rows[IT], roadblocks_raised=0, roadblocks_helped=1,
                   median_days_to_resolve=None) == dict(
        roadblocks_raised=0, roadblocks_helped=1, median_days_to_resolve=None)
    assert rows[SALES]["roadblocks_helped"] == 0
    # Per owner: the IT lead owns nothing but helped; the owner raised and saw it resolved.
    lead = owner(views, "2026-03-10", org.support_lead)
    assert (lead["roadblocks_raised"], lead["roadblocks_resolved"], lead["roadblocks_helped"]) \
        == (1, 1, 0)
    helper = owner(views, "2026-03-10", org.it_lead)
    assert (helper["made"], helper["roadblocks_raised"], helper["roadblocks_helped"]) == (0, 0, 1)


def test_resolving_a_roadblock_on_your_own_commitment_is_not_helping(
    org: Org, views: Views
) -> None:
    cid = org.commitment()
    org.app.raise_roadblock(org.support_lead, cid, description="Short-staffed")
    org.app.resolve_roadblock(org.support_lead, cid, roadblock_id="R1", resolution="Hired")
    org.app.raise_roadblock(org.support_lead, cid, description="No headsets")
    org.app.resolve_roadblock(org.cco, cid, roadblock_id="R2", resolution="Bought")
    assert owner(views, "2026-03-02", org.support_lead)["roadblocks_helped"] == 0
    assert owner(views, "2026-03-02", org.cco)["roadblocks_helped"] == 1
    assert dept(views, "2026-03-02")["roadblocks_resolved"] == 2


def test_a_roadblock_resolved_after_completion_still_counts_with_its_full_duration(
    org: Org, views: Views
) -> None:
    cid = org.commitment(due_date="2026-03-31")
    with at("2026-03-05"):
        org.app.raise_roadblock(org.support_lead, cid, description="Old phone system")
    with at("2026-03-10"):
        org.app.complete(org.support_lead, cid, evidence="Done anyway")
    with at("2026-03-12", "21:00"):
        org.app.resolve_roadblock(org.support_lead, cid, roadblock_id="R1", resolution="Replaced")
    expected = dict(kept=1, roadblocks_raised=1, roadblocks_resolved=1,
                    median_days_to_resolve=7.5)
    assert figures(dept(views, "2026-03-31"), **expected) == expected
    assert figures(owner(views, "2026-03-31", org.support_lead), **expected) == expected


@pytest.mark.parametrize(
    ("hours", "median"),
    [
        ([], None),
        ([96], 4.0),
        ([24, 72, 240], 3.0),  # odd: the middle one
        ([24, 72, 240, 480], 6.5),  # even: the mean of 3 and 10
        ([12, 48], 1.25),
        ([24, 24, 24, 240, 480], 1.0),
    ],
)
def test_median_days_to_resolve_counts_only_resolved_roadblocks(
    org: Org, views: Views, hours: list[int], median: float | None
) -> None:
    cid = org.commitment()
    for _ in range(len(hours) + 1):  # one more, left open
        org.app.raise_roadblock(org.support_lead, cid, description="Another one")
    for number, h in enumerate(hours, start=1):
        with clock.frozen_at(NOW + timedelta(hours=h)):
            org.app.resolve_roadblock(org.support_lead, cid, roadblock_id=f"R{number}",
                                      resolution="Cleared")
    expected = dict(roadblocks_raised=len(hours) + 1, roadblocks_resolved=len(hours),
                    median_days_to_resolve=median)
    assert figures(dept(views, "2026-04-01"), **expected) == expected
    assert figures(owner(views, "2026-04-01", org.support_lead), **expected) == expected
