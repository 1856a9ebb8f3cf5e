"""The celebrations wall, with completions optionally listed as wins."""

from __future__ import annotations

from uuid import UUID

import pytest

from projections.queries import celebrations as q
from tests.conftest import Org
from tests.projections_views.conftest import IT, SUPPORT, Views, at, sid


@pytest.fixture
def wall_history(org: Org, views: Views) -> dict[str, UUID]:
    """Support completes on time 03-05 and is cheered by IT; IT completes late on a moved date
    03-25 and is cheered by the CCO."""
    support = org.commitment(title="Answer within 4 hours", due_date="2026-03-10")
    it = org.commitment(department=IT, actor=org.it_lead, owner="lead.it@example.com",
                        title="Single sign-on", due_date="2026-03-10")
    org.app.move_due_date(org.it_lead, it, due_date="2026-03-20", reason="Vendor")
    with at("2026-03-05"):
        org.app.complete(org.support_lead, support, evidence="Median 3h 40m")
    with at("2026-03-06"):
        org.app.celebrate(org.it_lead, support, message="Well done, support!")
    with at("2026-03-25"):
        org.app.complete(org.it_lead, it, evidence="SSO live")
    with at("2026-03-26"):
        org.app.celebrate(org.cco, it, message="Worth the wait")
    views.sync()
    return {"support": support, "it": it}


def test_the_wall_shows_celebrations_newest_first_with_title_department_who_and_when(
    views: Views, wall_history: dict[str, UUID], org: Org
) -> None:
    assert q.wall(views.db) == [
        {"kind": "celebration", "commitment_id": sid(wall_history["it"]),
         "title": "Single sign-on", "department": IT, "department_name": "IT",
         "who": sid(org.cco), "who_name": "Cara Cole", "at": "2026-03-26T09:00:00+00:00",
         "message": "Worth the wait", "completed_on": None, "on_time": None},
        {"kind": "celebration", "commitment_id": sid(wall_history["support"]),
         "title": "Answer within 4 hours", "department": SUPPORT,
         "department_name": "Customer Service", "who": sid(org.it_lead), "who_name": "IT Lead",
         "at": "2026-03-06T09:00:00+00:00", "message": "Well done, support!",
         "completed_on": None, "on_time": None},
    ]


def test_wins_list_completions_with_evidence_and_whether_on_time(
    views: Views, wall_history: dict[str, UUID], org: Org
) -> None:
    items = q.wall(views.db, include_wins=True)
    assert [(i["kind"], i["title"], i["message"], i["completed_on"], i["on_time"])
            for i in items] == [
        ("celebration", "Single sign-on", "Worth the wait", None, None),
        ("win", "Single sign-on", "SSO live", "2026-03-25", False),  # after the moved 03-20
        ("celebration", "Answer within 4 hours", "Well done, support!", None, None),
        ("win", "Answer within 4 hours", "Median 3h 40m", "2026-03-05", True),
    ]
    assert items[1]["who"] == sid(org.it_lead) and items[1]["at"] == "2026-03-25T09:00:00+00:00"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"department": SUPPORT}, [("celebration", "Well done, support!")]),
        ({"department": SUPPORT, "include_wins": True},
         [("celebration", "Well done, support!"), ("win", "Median 3h 40m")]),
        ({"department": "sales", "include_wins": True}, []),
        ({"limit": 1}, [("celebration", "Worth the wait")]),
        ({"limit": 2, "offset": 1, "include_wins": True},
         [("win", "SSO live"), ("celebration", "Well done, support!")]),
    ],
)
def test_the_wall_filters_by_department_and_pages(
    views: Views, wall_history: dict[str, UUID], options: dict[str, object],
    expected: list[tuple[str, str]],
) -> None:
    items = q.wall(views.db, **options)  # type: ignore[arg-type]
    assert [(i["kind"], i["message"]) for i in items] == expected


def test_an_open_commitment_can_be_celebrated_without_a_win(org: Org, views: Views) -> None:
    cid = org.commitment()
    org.app.celebrate(org.sales_lead, cid, message="Great start")
    items = q.wall(views.sync(), include_wins=True)
    assert [(i["kind"], i["who_name"]) for i in items] == [("celebration", "Sales Lead")]
