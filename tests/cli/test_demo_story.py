"""The demo organisation's history: what `seed` writes, read back from the event log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from uuid import UUID

import pytest

from tests.cli.support import DEMO_DAY, Logged, log, raw_log
from tests.conftest import FAST_HASHER
from tracker.accounts import Accounts
from tracker.application import CxTracker
from tracker.demo import DEFAULT_PASSWORD, PLEDGES, DemoAccount, seed
from tracker.domain import member_id

SLUGS = {
    "marketing", "sales", "operations", "customer-service", "product-development", "it",
    "finance", "hr", "business-development", "executive-leadership",
}


def new_app() -> CxTracker:
    return CxTracker(env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
                     accounts=Accounts(":memory:", hasher=FAST_HASHER))


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[CxTracker, list[DemoAccount]]]:
    app = new_app()
    accounts = seed(app, today=DEMO_DAY)
    yield app, accounts
    app.close()


@pytest.fixture(scope="module")
def app(seeded: tuple[CxTracker, list[DemoAccount]]) -> CxTracker:
    return seeded[0]


@pytest.fixture(scope="module")
def events(app: CxTracker) -> list[Logged]:
    return log(app)


def of(events: list[Logged], topic: str) -> list[Logged]:
    return [e for e in events if e.topic == topic]


def commitments(app: CxTracker, events: list[Logged]) -> list[dict]:  # type: ignore[type-arg]
    return [app.commitment(e.originator_id) for e in of(events, "commitment/Made")]


def test_the_plan_has_the_ten_departments_of_the_brief(app: CxTracker) -> None:
    assert set(app.plan()["departments"]) == SLUGS
    assert app.plan()["departments"]["customer-service"] == "Customer Service"


def test_each_customer_journey_has_a_lead_department_and_renewal_changed_hands(
    app: CxTracker, events: list[Logged]
) -> None:
    leads = {key: j["lead_department"] for key, j in app.plan()["journeys"].items()}
    assert leads == {
        "awareness": "marketing", "buying": "sales", "onboarding": "operations",
        "usage": "product-development", "support": "customer-service", "renewal": "customer-service",
    }
    (change,) = of(events, "plan/JourneyLeadChanged")
    assert (change.key, change.lead_department) == ("renewal", "customer-service")


def test_kpis_have_a_baseline_target_date_and_direction_and_six_monthly_measurements(
    app: CxTracker, events: list[Logged]
) -> None:
    kpis = app.plan()["kpis"]
    assert {"nps", "csat", "first-response", "churn"} <= set(kpis)
    assert kpis["nps"]["direction"] == "up" and kpis["csat"]["direction"] == "up"
    assert kpis["first-response"]["direction"] == "down" and kpis["churn"]["direction"] == "down"
    assert all(k["target_date"] > DEMO_DAY and k["baseline"] != k["target"] for k in kpis.values())
    for key, kpi in kpis.items():
        measured = [e for e in of(events, "plan/KpiMeasured") if e.key == key]
        days = [e.measured_on for e in measured]
        assert len(days) == 6 and days == sorted(days)
        assert all(25 <= (b - a).days <= 35 for a, b in zip(days, days[1:]))
        assert DEMO_DAY - timedelta(days=190) < days[0] and days[-1] < DEMO_DAY
        # Moving towards the target, on the whole.
        first, last = measured[0].value, measured[-1].value
        assert abs(kpi["target"] - last) < abs(kpi["target"] - first)


def test_about_forty_commitments_are_made_across_every_department(
    app: CxTracker, events: list[Logged]
) -> None:
    made = of(events, "commitment/Made")
    assert len(made) == len(PLEDGES) and 35 <= len(made) <= 45
    assert {e.department for e in made} == SLUGS
    assert len({e.title for e in made}) == len(made)
    assert sum(1 for e in made if e.journey) >= 30 and sum(1 for e in made if e.kpi) >= 20


def test_owners_belong_to_the_department_that_made_the_commitment(
    app: CxTracker, events: list[Logged]
) -> None:
    for e in of(events, "commitment/Made"):
        grants = app.member(e.owner_id)["grants"]
        assert {"role": "lead", "department": e.department} in grants


def test_the_history_has_progress_slips_handovers_celebrations_and_notes(events: list[Logged]) -> None:
    counts = Counter(e.topic for e in events)
    assert counts["commitment/ProgressReported"] >= 100
    assert counts["commitment/DueDateMoved"] >= 8
    assert counts["commitment/OwnershipHandedOver"] >= 4
    assert counts["commitment/Celebrated"] >= 8
    assert counts["commitment/NoteAdded"] >= 5
    assert all(e.reason for e in of(events, "commitment/DueDateMoved"))
    assert all(e.to_date > e.from_date for e in of(events, "commitment/DueDateMoved"))
    assert all(e.reason for e in of(events, "commitment/OwnershipHandedOver"))


def test_progress_only_goes_up_for_each_commitment(events: list[Logged]) -> None:
    last: dict[UUID, int] = {}
    for e in of(events, "commitment/ProgressReported"):
        assert 0 <= e.percent <= 100 and e.percent >= last.get(e.originator_id, 0)
        last[e.originator_id] = e.percent


def test_roadblocks_ask_other_departments_for_help_and_most_are_resolved_with_it(
    app: CxTracker, events: list[Logged]
) -> None:
    raised = of(events, "commitment/RoadblockRaised")
    asked = of(events, "commitment/HelpRequested")
    resolved = of(events, "commitment/RoadblockResolved")
    assert len(raised) >= 12 and len(asked) >= 10
    helped = [e for e in resolved if e.helped_by]
    assert len(helped) >= 8 and len(helped) > len(resolved) / 2
    assert any(e.helped_by is None for e in resolved), "one roadblock was cleared in-house"
    asked_twice = Counter((e.originator_id, e.roadblock_id) for e in asked)
    assert max(asked_twice.values()) >= 2, "one roadblock needed two departments"
    still_open = [r for c in commitments(app, events) for r in c["roadblocks"] if not r["resolved"]]
    assert sum(1 for r in still_open if r["help_requested_from"]) >= 2


def test_completions_carry_evidence_and_some_came_after_the_original_due_date(
    app: CxTracker, events: list[Logged]
) -> None:
    completed = [c for c in commitments(app, events) if c["status"] == "completed"]
    assert len(completed) >= 15
    assert all(e.evidence for e in of(events, "commitment/Completed"))
    late = [c for c in completed if c["completed_on"] > c["original_due_date"]]
    on_time = [c for c in completed if c["completed_on"] <= c["original_due_date"]]
    assert len(late) >= 4 and len(on_time) >= 8
    assert any(c["completed_on"] > c["due_date"] for c in late), "late even for the moved date"
    assert all(c["completed_on"] < DEMO_DAY for c in completed)


def test_some_commitments_were_withdrawn_with_a_reason(events: list[Logged]) -> None:
    withdrawn = of(events, "commitment/Withdrawn")
    assert len(withdrawn) >= 2 and all(e.reason for e in withdrawn)


def test_today_some_open_commitments_are_overdue_some_at_risk_and_some_blocked(
    app: CxTracker, events: list[Logged]
) -> None:
    open_ = [c for c in commitments(app, events) if c["status"] == "open"]
    overdue = [c for c in open_ if c["due_date"] < DEMO_DAY]
    blocked = [c for c in open_ if c not in overdue and any(
        not r["resolved"] and r["help_requested_from"] for r in c["roadblocks"])]
    at_risk = [c for c in open_ if c not in overdue and c not in blocked
               and c["due_date"] <= DEMO_DAY + timedelta(days=14) and c["progress"] < 50]
    on_track = [c for c in open_ if c["due_date"] > DEMO_DAY + timedelta(days=14)
                and not any(not r["resolved"] for r in c["roadblocks"])]
    assert len(overdue) >= 3 and len(blocked) >= 2 and len(at_risk) >= 2 and len(on_track) >= 5


def test_the_vision_was_revised_and_endorsed_by_the_departments(
    app: CxTracker, events: list[Logged]
) -> None:
    assert len(of(events, "plan/VisionRevised")) == 1
    endorsed = of(events, "plan/VisionEndorsed")
    assert {e.department for e in endorsed if e.revision == 1} == SLUGS
    second = {e.department for e in endorsed if e.revision == 2}
    assert 5 <= len(second) < len(SLUGS), "some departments have not endorsed the revision yet"
    assert app.plan()["vision_revision"] == 2


def test_a_member_left_after_handing_their_commitments_over(
    app: CxTracker, events: list[Logged]
) -> None:
    (left,) = of(events, "member/Deactivated")
    assert left.reason
    handed = [e for e in of(events, "commitment/OwnershipHandedOver") if e.from_owner == left.originator_id]
    assert len(handed) >= 2 and all(e.position < left.position for e in handed)
    assert not any(e.actor == left.originator_id for e in events if e.position > left.position)
    owners = {c["owner_id"] for c in commitments(app, events) if c["status"] == "open"}
    assert left.originator_id not in owners


def test_every_event_is_stamped_in_order_over_the_six_months_before_today(events: list[Logged]) -> None:
    stamps = [e.timestamp for e in events]
    assert stamps == sorted(stamps)
    midnight = datetime.combine(DEMO_DAY, time(), tzinfo=timezone.utc)
    assert midnight - timedelta(days=190) < stamps[0] < midnight - timedelta(days=180)
    assert midnight - timedelta(days=4) < stamps[-1] < midnight
    assert all(s.weekday() < 5 for s in stamps), "people work on weekdays"
    months = {(s.year, s.month) for s in stamps}
    assert len(months) >= 6


def test_every_event_names_an_acting_member(app: CxTracker, events: list[Logged]) -> None:
    actors = {e.actor for e in events}
    assert all(app.member(actor)["email"].endswith("@example.com") for actor in actors)
    assert len(actors) >= 25, "many people take part, not just the CCO"


def test_the_accounts_are_the_cco_ceo_auditor_a_lead_per_department_and_their_staff(
    seeded: tuple[CxTracker, list[DemoAccount]],
) -> None:
    app, accounts = seeded
    roles = {a.email: (a.role, a.department) for a in accounts}
    assert roles["cco@example.com"] == ("cco", None)
    assert roles["ceo@example.com"] == ("executive", None)
    assert roles["auditor@example.com"] == ("auditor", None)
    for slug in SLUGS:
        assert roles[f"lead.{slug}@example.com"] == ("lead", slug)
    assert 30 <= len(accounts) <= 40
    for account in accounts:
        member = app.member(account.email)
        assert member["active"] == account.active
        assert {"role": account.role, "department": account.department} in member["grants"]


def test_every_active_account_signs_in_with_the_demo_password_and_the_leaver_cannot(
    seeded: tuple[CxTracker, list[DemoAccount]],
) -> None:
    app, accounts = seeded
    assert sum(1 for a in accounts if not a.active) == 1
    for account in accounts:
        signed_in = app.authenticate(account.email, DEFAULT_PASSWORD)
        assert signed_in == (member_id(account.email) if account.active else None), account.email
    assert app.authenticate("cco@example.com", "wrong-password") is None


def test_the_same_day_gives_the_same_history_byte_for_byte(app: CxTracker) -> None:
    again = new_app()
    seed(again, today=DEMO_DAY)
    assert raw_log(again) == raw_log(app)


def test_a_chosen_password_is_given_to_every_account() -> None:
    app = new_app()
    accounts = seed(app, today=DEMO_DAY, password="another-secret")
    assert all(app.authenticate(a.email, "another-secret") for a in accounts if a.active)
    assert app.authenticate("cco@example.com", DEFAULT_PASSWORD) is None


@pytest.mark.parametrize("today", [DEMO_DAY + timedelta(days=n) for n in range(1, 7)]
                         + [date(2028, 2, 29), date(2027, 1, 1)])
def test_the_demo_can_be_created_on_any_day(today: date) -> None:
    app = new_app()
    seed(app, today=today)
    events = log(app)
    assert len(of(events, "commitment/Made")) == len(PLEDGES)
    assert events[-1].timestamp < datetime.combine(today, time(), tzinfo=timezone.utc)
    overdue = [c for c in commitments(app, events) if c["status"] == "open" and c["due_date"] < today]
    assert len(overdue) >= 3


def test_seed_refuses_an_installation_that_already_has_a_plan(app: CxTracker) -> None:
    with pytest.raises(ValueError, match="empty installation"):
        seed(app, today=DEMO_DAY)
