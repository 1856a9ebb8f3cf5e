"""Ownership periods: who owned each commitment from when to when, and why."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import pytest

from projections.queries import ownership as q
from tests.conftest import Org
from tests.projections_views.conftest import SUPPORT, Views, add_member, at, sid


def _handed_over_and_back(org: Org) -> tuple[UUID, UUID]:
    """Made 03-02 09:00 owned by the support lead; to Ann 03-03; back 03-10."""
    ann = add_member(org, "ann@example.com", "Ann Agent")
    cid = org.commitment()
    with at("2026-03-03"):
        org.app.hand_over(org.support_lead, cid, new_owner="ann@example.com", reason="Holiday")
    with at("2026-03-10"):
        org.app.hand_over(org.cco, cid, new_owner="lead.customer-service@example.com",
                          reason="Back from holiday")
    return cid, ann


def test_a_new_commitment_has_one_open_ended_period_from_when_it_was_made(
    org: Org, views: Views
) -> None:
    cid = org.commitment()
    assert q.periods(views.sync(), cid) == [{
        "commitment_id": sid(cid), "seq": 1, "department": SUPPORT,
        "owner_id": sid(org.support_lead), "owner_name": "Customer Service Lead",
        "owner_email": "lead.customer-service@example.com",
        "since": "2026-03-02T09:00:00+00:00", "until": None, "reason": None,
        "assigned_by": sid(org.support_lead),
    }]


def test_handed_over_and_back_gives_three_periods_each_with_its_reason(
    org: Org, views: Views
) -> None:
    cid, ann = _handed_over_and_back(org)
    periods = q.periods(views.sync(), cid)
    assert [(p["seq"], p["owner_id"], p["since"], p["until"], p["reason"], p["assigned_by"])
            for p in periods] == [
        (1, sid(org.support_lead), "2026-03-02T09:00:00+00:00", "2026-03-03T09:00:00+00:00",
         None, sid(org.support_lead)),
        (2, sid(ann), "2026-03-03T09:00:00+00:00", "2026-03-10T09:00:00+00:00", "Holiday",
         sid(org.support_lead)),
        (3, sid(org.support_lead), "2026-03-10T09:00:00+00:00", None, "Back from holiday",
         sid(org.cco)),
    ]


@pytest.mark.parametrize(
    ("instant", "seq"),
    [
        ("2026-03-02T08:59:59+00:00", None),  # before it was made
        ("2026-03-02T09:00:00+00:00", 1),
        ("2026-03-03T08:59:59+00:00", 1),
        ("2026-03-03T09:00:00+00:00", 2),  # a period includes its start, excludes its end
        ("2026-03-05T12:00:00+01:00", 2),
        ("2026-03-10T09:00:00+00:00", 3),
        ("2027-01-01T00:00:00+00:00", 3),
    ],
)
def test_the_owner_at_an_instant(org: Org, views: Views, instant: str, seq: int | None) -> None:
    cid, _ = _handed_over_and_back(org)
    found = q.owner_at(views.sync(), cid, datetime.fromisoformat(instant))
    assert (found and found["seq"]) == seq


def test_a_members_periods_across_commitments(org: Org, views: Views) -> None:
    first, ann = _handed_over_and_back(org)
    with at("2026-03-11"):
        second = org.commitment(owner="ann@example.com", title="Ann's own")
    periods = q.periods_of(views.sync(), ann)
    assert [(p["commitment_id"], p["since"], p["until"]) for p in periods] == [
        (sid(first), "2026-03-03T09:00:00+00:00", "2026-03-10T09:00:00+00:00"),
        (sid(second), "2026-03-11T09:00:00+00:00", None),
    ]


@pytest.mark.parametrize("outcome", ["complete", "withdraw"])
def test_closing_a_commitment_leaves_its_last_owner_answerable(
    org: Org, views: Views, outcome: str
) -> None:
    cid = org.commitment()
    with at("2026-03-05"):
        if outcome == "complete":
            org.app.complete(org.support_lead, cid, evidence="Done")
        else:
            org.app.withdraw(org.support_lead, cid, reason="Dropped")
    [period] = q.periods(views.sync(), cid)
    assert (period["owner_id"], period["until"]) == (sid(org.support_lead), None)


def test_an_unknown_commitment_has_no_periods(org: Org, views: Views) -> None:
    assert q.periods(views.sync(), UUID(int=0)) == []
