"""What members typed never drives an auditor's terminal or spreadsheet: the text output of every
command shows control and escape characters as visible escapes, no CSV cell starts with a formula
character, and the JSON exports keep every value exactly."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.cli.support import PASSWORD, cx, open_data
from tests.test_cli_reference import command_paths
from tracker import clock
from tracker.cli.main import cli
from tracker.domain import member_id
from tracker.safe_text import FORMULA_START, csv_cell, json_text, terminal_text

# Clears the screen, sets the window title, rings, moves the cursor back, a C1 CSI, a
# right-to-left override: each would act on a terminal if printed raw.
ATTACK = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202eevil\r\x08"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULAS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
CCO = "cco@example.com"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def hostile(label: str) -> str:
    return f"{label} {ATTACK} end"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An installation where every text a member can type carries escape sequences, and some
    start with a formula."""
    import tracker.accounts
    from tests.conftest import FAST_HASHER

    path = tmp_path_factory.mktemp("hostile") / "data"
    mp = pytest.MonkeyPatch()
    mp.setattr(tracker.accounts, "PasswordHasher", lambda: FAST_HASHER)
    with clock.frozen_at(T0):
        assert cx("init", "--data", path, "--plan", hostile("Plan"), "--vision", hostile("Vision"),
                  "--email", CCO, "--name", hostile("Cara"), "--password", PASSWORD).exit_code == 0
        app = open_data(path)
        cco = member_id(CCO)
        app.add_department(cco, "support", hostile("Support"))
        app.add_department(cco, "it", FORMULAS[0])
        app.register_member(cco, email="lead@example.com", name=hostile("Lead"), password=PASSWORD,
                            role="lead", department="support")
        app.register_member(cco, email="other@example.com", name=FORMULAS[1], password=PASSWORD,
                            role="lead", department="support")
        app.define_journey(cco, "onboarding", hostile("Journey"), "support")
        app.define_kpi(cco, key="nps", name=hostile("KPI"), unit="pts", baseline=1, target=2,
                       target_date="2026-12-31")
        app.record_measurement(cco, key="nps", value=1.5, note=hostile("Measured"))
        app.revise_vision(cco, hostile("Vision 2"))
    with clock.frozen_at(T0 + timedelta(days=1)):
        first = app.make_commitment(cco, department="support", title=hostile("Title"),
                                    description=FORMULAS[2], due_date="2026-06-30",
                                    owner="lead@example.com", journey="onboarding", kpi="nps").id
        app.report_progress(cco, first, percent=10, note=FORMULAS[3])
        app.move_due_date(cco, first, due_date="2026-07-31", reason=hostile("Moved"))
        blocked = app.raise_roadblock(cco, first, description=hostile("Blocked"), help_from="it")
        app.resolve_roadblock(cco, first, roadblock_id=blocked.roadblock_id, resolution=hostile("Solved"))
        app.hand_over(cco, first, new_owner="other@example.com", reason=FORMULAS[4])
        app.add_note(cco, first, text=hostile("Note"))
        app.complete(cco, first, evidence=hostile("Evidence"), completed_on="2026-03-03")
        app.celebrate(cco, first, message=hostile("Cheers"))
        second = app.make_commitment(cco, department="support", title=FORMULAS[0],
                                     due_date="2026-06-30", owner="lead@example.com").id
        app.raise_roadblock(cco, second, description=hostile("Still blocked"))
        app.withdraw(cco, second, reason=hostile("Withdrawn"))
        card = app.propose_scorecard(cco, lead="lead@example.com", period="2026-Q1",
                                     items=[{"kpi": "nps", "weight": 100, "target": 2}],
                                     note=hostile("Scorecard"))
        app.request_scorecard_change(member_id("lead@example.com"), card.id,
                                     comment=hostile("Change it"))
        app.deactivate_member(cco, email="other@example.com", reason=hostile("Left"))
        pattern = app.publish_pattern(cco, title=hostile("Pattern"), text=hostile("Pattern text"),
                                      journeys=["onboarding"], links=[{"label": hostile("Link"),
                                                                       "url": "https://example.com"}]).id
        app.cite_pattern(cco, first, pattern_id=pattern)
        app.revise_pattern(cco, pattern, title=hostile("Pattern 2"), text=hostile("Text 2"),
                           reason=hostile("Revised"))
    app.close()
    app.accounts.close()
    mp.undo()
    yield path


@pytest.fixture(autouse=True)
def after_the_history() -> Iterator[None]:
    """Commands the tests run write after the fixture's history (a backdated event would be
    refused by `verify` and `backup`, rightly)."""
    with clock.frozen_at(T0 + timedelta(days=2)):
        yield


def text_of(*args: Any) -> str:
    result = cx(*args)
    assert result.exit_code == 0, result.output
    return result.output


# Every command, with the text outputs to check (None: it prints nothing a member typed, say why).
TEXT_RUNS: dict[str, list[list[str]] | None] = {
    "cx-tracker history": [["history"], ["history", "--kind", "NoteAdded"]],
    "cx-tracker as-of": [["as-of", "2026-12-31"], ["as-of", "2026-03-02"]],
    "cx-tracker diff": [["diff", "2026-03-01", "2026-12-31"]],
    "cx-tracker user list": [["user", "list"]],
    "cx-tracker projections status": [["projections", "status"]],
    "cx-tracker projections rebuild": [["projections", "rebuild"]],
    "cx-tracker projections run": [["projections", "run", "--once"]],
    "cx-tracker seal": [["seal", "--format", "text"]],
    "cx-tracker verify": [["verify"]],
    # Its real run records notices; test_what_members_typed_is_still_there_escaped makes it.
    "cx-tracker remind": [["remind", "--dry-run", "--at", "2026-03-05T09:00:00+00:00"]],
    "cx-tracker plan show": [["plan", "show"]],
    "cx-tracker patterns list": [["patterns", "list", "--retired"]],
    "cx-tracker patterns show": None,  # test_patterns_show_escapes_what_members_typed (its id varies)
    "cx-tracker patterns publishers": [["patterns", "publishers"]],
    # They record: test_pattern_commands_echo_safely runs them.
    **{f"cx-tracker patterns {path}": None for path in (
        "publish", "revise", "retire", "cite", "uncite", "allow", "revoke")},
    "cx-tracker scorecards list": [["scorecards", "list"], ["scorecards", "list", "--format", "json"]],
    # Its csv keeps the text exact like `history --format csv` (formula cells neutralised).
    "cx-tracker scorecards export": [["scorecards", "export", "--format", "json"]],
    # They record: test_scorecard_commands_echo_safely (last in this module) runs them.
    **{f"cx-tracker scorecards {path}": None for path in (
        "propose", "revise", "request-change", "agree", "approve")},
    # Covered by tests of their own below (they need a fresh directory or a member to act on).
    "cx-tracker init": None, "cx-tracker user add": None, "cx-tracker user grant": None,
    "cx-tracker user revoke": None, "cx-tracker user deactivate": None, "cx-tracker backup": None,
    "cx-tracker user password": None,
    "cx-tracker export": None,
    "cx-tracker token create": None, "cx-tracker token list": None, "cx-tracker token revoke": None,
    "cx-tracker import": None,
    # The plan's set-up and corrections print only keys the service accepted (slugs, KPI keys)
    # and event positions; their errors go through the shared error handler.
    **{f"cx-tracker plan {path}": None for path in (
        "vision", "endorse", "department add", "department rename", "department retire",
        "department merge", "journey add", "journey lead", "journey rename", "journey retire",
        "kpi add", "kpi revise", "kpi retire", "kpi link", "kpi unlink", "measure record", "measure correct",
        "measure withdraw", "commitment correct", "commitment move")},
    # Print only what the product itself wrote: demo accounts, the server's address.
    "cx-tracker demo": None, "cx-tracker serve": None,
}


def test_every_command_is_considered_for_safe_output() -> None:
    assert set(command_paths(cli)) <= set(TEXT_RUNS), "a new command: add its text output to TEXT_RUNS"


@pytest.mark.parametrize("args", [run for runs in TEXT_RUNS.values() if runs for run in runs],
                         ids=" ".join)
def test_text_output_shows_escape_sequences_as_visible_text(data: Path, args: list[str]) -> None:
    output = text_of(*args, "--data", data)
    assert not UNSAFE.findall(output)


def test_what_members_typed_is_still_there_escaped(data: Path) -> None:
    output = text_of("history", "--data", data)
    assert "Note \\x1b[2J\\x1b]0;owned\\x07\\x9b31m\\u202eevil" in output
    assert terminal_text(hostile("Cara")) in text_of("user", "list", "--data", data)
    assert terminal_text(hostile("Title")) in text_of("as-of", "2026-12-31", "--data", data)
    assert terminal_text(hostile("Title")) in text_of(
        "remind", "--dry-run", "--at", "2026-03-05T09:00:00+00:00", "--data", data)
    sent = text_of("remind", "--at", "2026-03-05T09:00:00+00:00", "--data", data)
    assert "2 to the outbox" in sent and not UNSAFE.findall(sent)


def test_errors_that_quote_a_value_show_it_escaped(data: Path) -> None:
    result = cx("user", "grant", f"x{ATTACK}@example.com", "auditor", "--as", CCO, "--data", data)
    assert result.exit_code != 0 and not UNSAFE.findall(result.output)


def test_password_command_echoes_safely(data: Path) -> None:
    result = cx("user", "password", "lead@example.com", "--link", "--as", CCO, "--data", data)
    assert result.exit_code == 0 and not UNSAFE.findall(result.output), result.output


def test_token_commands_echo_safely(data: Path) -> None:
    made = cx("token", "create", "--name", hostile("Survey"), "--as", CCO, "--data", data)
    assert not UNSAFE.findall(made.output), made.output
    if made.exit_code != 0:  # a name with control characters may be refused: say so safely
        made = cx("token", "create", "--name", "Survey", "--as", CCO, "--data", data)
        assert made.exit_code == 0, made.output
    listed = cx("token", "list", "--as", CCO, "--data", data)
    assert listed.exit_code == 0 and "Survey" in listed.output and not UNSAFE.findall(listed.output)
    token_id = listed.output.split()[0]
    revoked = cx("token", "revoke", token_id, "--as", CCO, "--data", data)
    assert revoked.exit_code == 0 and not UNSAFE.findall(revoked.output), revoked.output


def test_import_echoes_safely(data: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "plan.csv"
    with sheet.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["department", "title", "owner_email", "owner_name", "due_date", "journey",
                         "kpi", "description"])
        writer.writerow(["support", hostile("Imported"), "lead@example.com", hostile("Lead"),
                         "2026-09-30", "", "", hostile("Described")])
        writer.writerow(["support", "=1+1", "lead@example.com", "Lead", "not a date", "", "", ""])
    result = cx("import", str(sheet), "--dry-run", "--as", CCO, "--data", data)
    assert result.exit_code != 0, result.output  # the second row's date is refused
    assert "row" in result.output and not UNSAFE.findall(result.output), result.output


def test_member_commands_echo_safely(data: Path) -> None:
    result = cx("user", "add", "new@example.com", "--name", hostile("New"), "--as", CCO,
                "--password", PASSWORD, "--data", data)
    assert result.exit_code == 0, result.output
    for args in (["grant", "new@example.com", "auditor"], ["revoke", "new@example.com", "auditor"],
                 ["deactivate", "new@example.com", "--reason", hostile("Gone")]):
        result = cx("user", *args, "--as", CCO, "--data", data)
        assert result.exit_code == 0 and not UNSAFE.findall(result.output), result.output


def test_backup_and_export_print_safely(data: Path, tmp_path: Path) -> None:
    for args in (["backup", tmp_path / "copy"], ["export", tmp_path / "bundle.jsonl"]):
        output = text_of(*args, "--data", data)
        assert not UNSAFE.findall(output)


def test_init_echoes_the_plan_name_safely(tmp_path: Path) -> None:
    output = text_of("init", "--data", tmp_path / "d", "--plan", hostile("Plan"), "--email", CCO,
                     "--name", "Cara", "--password", PASSWORD)
    assert not UNSAFE.findall(output)


def test_no_csv_cell_starts_with_a_formula_character(data: Path) -> None:
    rows = list(csv.reader(io.StringIO(text_of("history", "--format", "csv", "--data", data))))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) > 20
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert "'" + FORMULAS[0] in cells  # the second commitment's title, shown as text


def test_the_json_exports_keep_every_value_exactly(data: Path) -> None:
    lines = text_of("history", "--format", "jsonl", "--data", data).splitlines()
    assert not UNSAFE.findall("\n".join(lines))
    rows = [json.loads(line) for line in lines]
    # (the reminder service's notices, recorded by `remind` above, have no acting member; the
    # lead answers their scorecard)
    assert {r["actor_name"] for r in rows if r["kind"] not in ("Issued", "Sent", "ScorecardChangeRequested")
            } == {hostile("Cara")}
    assert {r["actor_name"] for r in rows if r["kind"] == "ScorecardChangeRequested"} == {hostile("Lead")}
    assert hostile("Title") in {r["commitment_title"] for r in rows}
    assert FORMULAS[0] in {r["commitment_title"] for r in rows}  # not neutralised in JSON
    summaries = " ".join(r["summary"] for r in rows)  # (summaries fold line breaks into spaces)
    for label in ("Note", "Moved", "Blocked", "Solved", "Evidence", "Cheers", "Withdrawn", "Change it"):
        assert hostile(label).replace("\r", " ") in summaries
    for args in (["as-of", "2026-12-31", "--format", "json"],
                 ["diff", "2026-03-01", "2026-12-31", "--format", "json"]):
        output = text_of(*args, "--data", data)
        assert not UNSAFE.findall(output)
        assert hostile("Title") in strings(json.loads(output))
    cards = json.loads(text_of("scorecards", "export", "--format", "json", "--data", data))
    assert cards[0]["lead_name"] == hostile("Lead") and cards[0]["status"] == "change_requested"


def strings(value: Any) -> set[str]:
    """Every string anywhere in a parsed JSON value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*map(strings, value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*map(strings, value)) if value else set()
    return set()


# ---- the helper itself ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\t=1", "\r=1"])
def test_a_formula_cell_gets_a_leading_quote(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", "1-2", "a=b", 42, -3, None])
def test_other_cells_are_left_alone(value: object) -> None:
    assert csv_cell(value) == value


def test_terminal_text_keeps_lines_tabs_and_unicode_but_escapes_controls() -> None:
    assert terminal_text("a\tb\nc — é 🎉") == "a\tb\nc — é 🎉"
    assert terminal_text("\x1b[2J\x07\x7f\x9b\u202e\r") == "\\x1b[2J\\x07\\x7f\\x9b\\u202e\\x0d"


def test_json_text_parses_to_the_same_value() -> None:
    value = {"note": ATTACK + "\x7f\u2028 é"}
    text = json_text(json.dumps(value, ensure_ascii=False))
    assert not UNSAFE.findall(text) and "\u2028" not in text
    assert json.loads(text) == value


def test_patterns_show_escapes_what_members_typed(data: Path) -> None:
    listed = json.loads(text_of("patterns", "list", "--format", "json", "--data", data))
    assert [p["title"] for p in listed] == [hostile("Pattern 2")]
    assert terminal_text(hostile("Pattern 2")) in text_of("patterns", "list", "--data", data)
    for version in ("1", "2"):
        output = text_of("patterns", "show", listed[0]["id"], "--version", version, "--data", data)
        assert not UNSAFE.findall(output)
        assert terminal_text(hostile("Revised")) in output
    assert terminal_text(hostile("Pattern text")) in text_of(
        "patterns", "show", listed[0]["id"], "--version", "1", "--data", data)


def test_pattern_commands_echo_safely(data: Path, tmp_path: Path) -> None:
    """(After the patterns show test, which expects the fixture's one pattern.)"""
    text = tmp_path / "text.md"
    text.write_text(hostile("Typed text"))
    commitment = json.loads(text_of("as-of", "2026-12-31", "--format", "json", "--data", data))
    first = next(c["id"] for d in commitment["departments"] for c in d["commitments"]
                 if c["title"] == hostile("Title"))
    runs = [
        ["allow", "lead@example.com", "--as", CCO],
        ["publish", "--title", hostile("Published"), "--text-file", text, "--link",
         f"{hostile('Label')} | https://example.com", "--as", "lead@example.com"],
        ["revise", "{new}", "--title", hostile("Revised title"), "--reason", hostile("Why"),
         "--as", CCO],
        ["cite", first, "{new}", "--as", CCO],
        ["uncite", first, "{new}", "--as", CCO],
        ["retire", "{new}", "--reason", hostile("Retired"), "--as", CCO],
        ["revoke", "lead@example.com", "--as", CCO],
        ["revoke", "lead@example.com", "--as", CCO],  # refused (not allowed any more), safely too
    ]
    new = ""
    for n, args in enumerate(runs, start=1):
        result = cx("patterns", *[new if a == "{new}" else a for a in args], "--data", data)
        assert not UNSAFE.findall(result.output), result.output
        assert result.exit_code == (2 if n == len(runs) else 0), result.output
        if args[0] == "publish":
            new = result.output.splitlines()[1].split()[0]
    assert terminal_text(hostile("Revised title")) in text_of(
        "patterns", "list", "--retired", "--data", data)


def test_scorecard_commands_echo_safely(data: Path) -> None:
    """(Last in the module: it moves the fixture's scorecard on, which the JSON test reads.)"""
    card = json.loads(text_of("scorecards", "list", "--format", "json", "--data", data))[0]["id"]
    runs = [
        ["propose", "--lead", "lead@example.com", "--period", "2026-Q2", "--item", "nps=100@2",
         "--note", hostile("Note"), "--as", CCO],
        ["revise", card, "--item", "nps=100@1.8", "--reason", hostile("Why"), "--as", CCO],
        ["request-change", card, "--comment", hostile("Change"), "--as", "lead@example.com"],
        ["revise", card, "--item", "nps=100@1.9", "--reason", "r", "--as", CCO],
        ["agree", card, "--comment", hostile("Agreed"), "--as", "lead@example.com"],
        ["approve", card, "--as", CCO],  # refused (not an executive), its error made safe too
    ]
    for args in runs:
        result = cx("scorecards", *args, "--data", data)
        assert not UNSAFE.findall(result.output), result.output
        assert result.exit_code == (1 if args[0] == "approve" else 0), result.output
    agreed = text_of("scorecards", "list", "--period", "2026-Q1", "--data", data)
    assert terminal_text(hostile("Lead")) in agreed and "Agreed, awaiting approval" in agreed
