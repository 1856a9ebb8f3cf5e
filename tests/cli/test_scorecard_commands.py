"""`cx-tracker scorecards propose|revise|request-change|agree|approve`: leader scorecards through
their cycle on the command line, acting --as a member with the service's authorization; each
prints what it recorded and the scorecard's new status; refusals record nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.support import PASSWORD, cx, ok, open_data, refused_cleanly, topics
from tracker.domain import member_id

CCO = ("--as", "cco@example.com")
LEAD = ("--as", "lead@example.com")
OTHER_LEAD = ("--as", "it-lead@example.com")
CEO = ("--as", "ceo@example.com")
ITEMS = ("--item", "nps=60@20", "--item", "fcr=40@80")


@pytest.fixture
def org(installation: Path) -> Path:
    """The CCO, a lead of customer-service, a lead of it, the CEO; a CX KPI (nps) and an area KPI
    of customer-service (fcr)."""
    app = open_data(installation)
    cco = member_id("cco@example.com")
    for email, name, role, department in (
        ("lead@example.com", "Jamal Reed", "lead", "customer-service"),
        ("it-lead@example.com", "Victor Andersson", "lead", "it"),
        ("ceo@example.com", "Margaret Osei", "executive", None),
    ):
        app.register_member(cco, email=email, name=name, password=PASSWORD, role=role,
                            department=department)
    app.define_kpi(cco, key="nps", name="NPS", unit="points", baseline=12, target=30,
                   target_date="2026-12-31")
    app.define_kpi(cco, key="fcr", name="FCR", unit="%", baseline=71, target=85,
                   target_date="2026-12-31", department="customer-service")
    app.close()
    return installation


def card_id(data: Path) -> str:
    """The scorecard's id, as `scorecards list --format json` gives it."""
    cards = json.loads(ok("scorecards", "list", "--format", "json", "--data", data))
    assert len(cards) == 1
    return str(cards[0]["id"])


@pytest.fixture
def proposed(org: Path) -> Path:
    ok("scorecards", "propose", "--lead", "lead@example.com", "--period", "2026-Q1", *ITEMS,
       "--data", org, *CCO)
    return org


def test_a_scorecard_goes_through_its_whole_cycle_on_the_command_line(org: Path) -> None:
    made = ok("scorecards", "propose", "--lead", "lead@example.com", "--period", "2026-Q1", *ITEMS,
              "--note", "First quarter", "--data", org, *CCO)
    ident = card_id(org)
    assert "Scorecard proposed; the lead is asked to agree" in made
    assert "now: Proposed, awaiting the lead's agreement." in made
    assert (f"2026-Q1  Jamal Reed <lead@example.com> (Customer Service): Proposed, awaiting the"
            f" lead's agreement, revision 1  id {ident} version 1") in made
    assert "    fcr: weight 40%, target 80" in made

    asked = ok("scorecards", "request-change", ident, "--comment", "FCR should weigh more",
               "--data", org, *LEAD)
    assert "(event" in asked and "ScorecardChangeRequested); now: Change requested by the lead." in asked
    revised = ok("scorecards", "revise", ident, "--item", "nps=50@20", "--item", "fcr=50@80",
                 "--reason", "Jamal asked", "--expected-version", "2", "--data", org, *CCO)
    assert "now: Proposed, awaiting the lead's agreement." in revised
    assert "revision 2" in revised and "    fcr: weight 50%, target 80" in revised
    agreed = ok("scorecards", "agree", ident, "--data", org, *LEAD)
    assert "now: Agreed, awaiting approval." in agreed
    approved = ok("scorecards", "approve", ident, "--comment", "Go", "--expected-version", "4",
                  "--data", org, *CEO)
    assert "Scorecard approved" in approved and "now: Approved." in approved
    assert topics(org)[-5:] == [
        "scorecard/ScorecardProposed", "scorecard/ScorecardChangeRequested",
        "scorecard/ScorecardRevised", "scorecard/ScorecardAgreed", "scorecard/ScorecardApproved"]
    listed = ok("scorecards", "list", "--data", org)
    assert f"Approved, revision 2  id {ident} version 5" in listed


def test_the_acting_member_may_come_from_the_environment(proposed: Path) -> None:
    ident = card_id(proposed)
    result = cx("scorecards", "agree", ident, "--data", proposed,
                env={"CX_TRACKER_AS": "lead@example.com"})
    assert result.exit_code == 0, result.output
    assert topics(proposed)[-1] == "scorecard/ScorecardAgreed"


def test_json_output_parses_with_what_was_recorded_and_the_scorecard(proposed: Path) -> None:
    ident = card_id(proposed)
    found = json.loads(ok("scorecards", "agree", ident, "--comment", "Fine", "--format", "json",
                          "--data", proposed, *LEAD))
    assert found["recorded"] == "ScorecardAgreed" and isinstance(found["position"], int)
    card = found["scorecard"]
    assert card["id"] == ident and card["status"] == "agreed" and card["version"] == 2
    assert card["items"] == [{"kpi": "nps", "weight": 60, "target": 20.0},
                             {"kpi": "fcr", "weight": 40, "target": 80.0}]


def test_the_printed_id_is_accepted_as_printed(proposed: Path) -> None:
    ident = card_id(proposed)
    listed = ok("scorecards", "list", "--data", proposed)
    printed = listed.split(" id ")[1].split()[0]
    assert printed == ident
    ok("scorecards", "agree", printed.upper(), "--data", proposed, *LEAD)


PROPOSE = ("scorecards", "propose", "--lead", "lead@example.com", "--period", "2026-Q2")


@pytest.mark.parametrize(("args", "status", "message"), [
    ([*PROPOSE, *ITEMS, *LEAD], 1, "Error: only the Chief Customer Officer may propose scorecards"),
    (["scorecards", "agree", "{id}", *OTHER_LEAD], 1, "Error: only the scorecard's lead may agree to it"),
    (["scorecards", "request-change", "{id}", "--comment", "c", *CCO], 1,
     "Error: only the scorecard's lead may ask for a change to it"),
    (["scorecards", "approve", "{id}", *LEAD], 1, "may approve scorecards"),
    ([*PROPOSE, "--item", "nps=60@20", "--item", "fcr=30@80", *CCO], 2,
     "Error: --item weights: must add up to exactly 100 % (they add up to 90 %)"),
    ([*PROPOSE, "--item", "nps=60@20", "--item", "csat=40@80", *CCO], 2,
     "Error: --item 2 kpi: no KPI 'csat' in this plan"),
    ([*PROPOSE, "--item", "nps=60.5@20", "--item", "fcr=40@101", *CCO], 2,
     "Error: --item 1 weight: must be a whole number from 1 to 100\nError: --item 2 target:"),
    ([*PROPOSE, *CCO], 2, "Error: --item: a scorecard needs at least one KPI"),
    ([*PROPOSE, "--item", "nps=60", "--item", "fcr", *CCO], 2,
     "Error: --item 1: 'nps=60' is not KPI=WEIGHT@TARGET (e.g. nps=60@20)\n"
     "Error: --item 2: 'fcr' is not KPI=WEIGHT@TARGET"),
    (["scorecards", "propose", "--lead", "lead@example.com", "--period", "2026-Q1", *ITEMS, *CCO], 2,
     "Error: --period: lead@example.com already has a scorecard for 2026-Q1: revise it"),
    (["scorecards", "propose", "--lead", "ceo@example.com", "--period", "2026-Q5", *ITEMS, *CCO], 2,
     "Error: --period: must be a quarter"),
    (["scorecards", "approve", "{id}", *CEO], 2,
     "Error: SCORECARD_ID: the lead has not agreed to this scorecard yet"),
    (["scorecards", "agree", "not-a-scorecard", *LEAD], 2,
     "Error: SCORECARD_ID: 'not-a-scorecard' is not a scorecard id"),
    (["scorecards", "agree", "00000000-0000-0000-0000-000000000000", *LEAD], 2,
     "Error: scorecard not found: 00000000-0000-0000-0000-000000000000"),
    (["scorecards", "agree", "{id}", "--expected-version", "0", *LEAD], 1,
     "Error: someone else changed this first; reload and try again"),
    (["scorecards", "revise", "{id}", *ITEMS, "--reason", "r", *CCO], 2,
     "Error: --item: nothing to revise"),
    (["scorecards", "revise", "{id}", "--item", "nps=100@20", "--reason", "", *CCO], 2,
     "Error: --reason: is required"),
], ids=lambda v: v if isinstance(v, int) else None)
def test_refusals_say_why_and_record_nothing(
    proposed: Path, args: list[str], status: int, message: str
) -> None:
    ident = card_id(proposed)
    before = topics(proposed)
    result = cx(*[ident if a == "{id}" else a for a in args], "--data", proposed)
    assert refused_cleanly(result, status), result.output
    assert message in result.output
    assert topics(proposed) == before


def test_a_stale_expected_version_is_refused_after_someone_else_acted(proposed: Path) -> None:
    ident = card_id(proposed)
    ok("scorecards", "request-change", ident, "--comment", "More FCR", "--expected-version", "1",
       "--data", proposed, *LEAD)
    before = topics(proposed)
    result = cx("scorecards", "agree", ident, "--expected-version", "1", "--data", proposed, *LEAD)
    assert refused_cleanly(result, 1) and "someone else changed this first" in result.output
    assert topics(proposed) == before
