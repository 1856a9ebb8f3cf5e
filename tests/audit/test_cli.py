"""`cx-tracker history`, `as-of` and `diff` on an installation: outputs, formats, exit statuses."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.cli.support import cx, refused_cleanly
from tests.audit.conftest import store_app
from tests.conftest import build_org
from tests.projections_property.replay import read_log, replay_board
from tests.web.cco_helpers import Scenario, build_scenario, on
from tracker.config import installation as open_installation
from tracker.config import resolve_data_dir


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory,
                 audit_store: dict[str, str] | None) -> tuple[Path, Scenario]:
    """The CCO pages' scenario (January to March 2026) in a data directory, on each event store
    (`audit_store`); the first command builds the views. The commands only read, so the tests
    share it."""
    data = tmp_path_factory.mktemp("audit") / "data"
    data.mkdir()
    app = store_app(data, audit_store)
    with on("2026-01-02"):  # before the scenario, so that the log's clock never runs backwards
        org = build_org(app)
    scenario = build_scenario(org)
    app.close()
    return data, scenario


def run(*args: object) -> str:
    result = cx(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_history_text_says_who_when_what_and_each_change(installation) -> None:  # type: ignore[no-untyped-def]
    data, s = installation
    out = run("history", "--data", data, "--kind", "DueDateMoved")
    lines = out.splitlines()
    assert "  2026-02-10 09:00:00Z  lead.customer-service@example.com  DueDateMoved  " in lines[0]
    assert f"[customer-service {s.slipping}]" in lines[0]
    assert lines[1].strip().startswith("Due date moved 2026-02-15 → 2026-03-20")
    assert "      due_date: 2026-02-15 → 2026-03-20" in lines
    assert "      due_date: 2026-03-20 → 2026-04-30" in lines
    assert sum(line.startswith("#") for line in lines) == 2


def test_the_jsonl_and_csv_exports_hold_the_same_events_in_log_order(installation) -> None:  # type: ignore[no-untyped-def]
    data, _ = installation
    events = [json.loads(line) for line in run("history", "--data", data, "--format", "jsonl").splitlines()]
    rows = list(csv.DictReader(io.StringIO(run("history", "--data", data, "--format", "csv"))))
    with open_installation(resolve_data_dir(data)) as app:
        head = app.head()
    assert [e["position"] for e in events] == list(range(1, head + 1))
    assert set(events[0]) == {"position", "at", "actor", "actor_name", "department", "commitment",
                              "commitment_title", "kind", "summary", "changes"}
    assert len(rows) == len(events)
    for row, event in zip(rows, events):
        assert int(row["position"]) == event["position"] and row["kind"] == event["kind"]
        assert json.loads(row["changes"]) == event["changes"]
        assert row["actor"] == (event["actor"] or "")
    completed = next(e for e in events if e["kind"] == "Completed")
    assert {"field": "status", "before": "open", "after": "completed"} in completed["changes"]


def test_history_filters_combine(installation) -> None:  # type: ignore[no-untyped-def]
    data, s = installation

    def kinds(*args: str) -> list[str]:
        out = run("history", "--data", data, "--format", "jsonl", *args)
        return [json.loads(line)["kind"] for line in out.splitlines()]

    assert kinds("--actor", "lead.it@example.com", "--since", "2026-02-01") == ["RoadblockRaised", "HelpRequested", "Completed"]
    assert kinds("--department", "sales", "--kind", "Made") == ["Made"]
    assert kinds("--commitment", str(s.kept)) == ["Made", "Completed", "Celebrated"]
    assert kinds("--since", "2026-02-18", "--until", "2026-02-19") == ["Completed", "Celebrated"]
    assert kinds("--until", "2026-01-04") == kinds("--until", "2026-01-04T23:59:59.999999Z") != []


@pytest.mark.parametrize("args, message", [
    (["history", "--department", "legal"], "no department 'legal'"),
    (["history", "--kind", "Exploded"], "unknown kind 'Exploded'"),
    (["history", "--actor", "not-an-email"], "is not an e-mail address"),
    (["history", "--actor", "ghost@example.com"], "no member 'ghost@example.com'"),
    (["history", "--commitment", "42"], "is not a commitment id"),
    (["history", "--since", "last tuesday"], "is not a date or date-time"),
    (["as-of", "2026-02-30"], "is not an instant"),
    (["as-of", "soon"], "is not an instant"),
    (["diff", "2026-03-01", "yesterday"], "INSTANT_B"),
    (["diff", "2026-03-01", "2026-02-01"], "must not be later"),
    # The edges of the calendar and beyond the window (issue 10): a message, never a traceback.
    (["history", "--until", "9999-12-31"], "is outside the instants this product keeps"),
    (["history", "--since", "0001-01-01"], "is outside the instants this product keeps"),
    (["history", "--since", "0001-01-01T00:00+01:00"], "is outside the instants"),
    (["history", "--until", "9999-12-31T23:59:59-01:00"], "is outside the instants"),
    (["history", "--until", "2199-13-01"], "to the end of that day"),
    (["history", "--since", "nonsense"], "from the start of that day"),
    (["as-of", "9999-12-31"], "is outside the instants"),
    (["as-of", "0001-01-01T00:00+01:00"], "is outside the instants"),
    (["diff", "0001-01-01", "9999-12-31"], "INSTANT_A"),
])
def test_malformed_input_is_told_clearly_with_exit_status_2(installation, args, message) -> None:  # type: ignore[no-untyped-def]
    data, _ = installation
    result = cx(*args, "--data", data)
    assert refused_cleanly(result, 2), result.output
    assert message in result.output


@pytest.mark.parametrize("args", [
    ["history", "--since", "1900-01-01", "--until", "2199-12-31"],
    ["as-of", "2199-12-31"], ["as-of", "1900-01-01"], ["diff", "1900-01-01", "2199-12-31"],
])
def test_the_first_and_last_days_of_the_window_work(installation, args) -> None:  # type: ignore[no-untyped-def]
    data, _ = installation
    assert run(*args, "--data", data).strip()


def test_as_of_shows_the_board_that_a_replay_of_the_log_gives(installation) -> None:  # type: ignore[no-untyped-def]
    data, s = installation
    moment = datetime(2026, 2, 19, 23, 59, 59, 999999, tzinfo=timezone.utc)
    plan = json.loads(run("as-of", "2026-02-19", "--data", data, "--format", "json"))
    with open_installation(resolve_data_dir(data)) as app:
        expected = replay_board(read_log(app), moment)
    shown = [c for d in plan["departments"] for c in d["commitments"]]
    assert sorted(shown, key=lambda c: c["id"]) == sorted(expected, key=lambda c: c["id"])
    assert plan["instant"] == "2026-02-19T23:59:59.999999+00:00" and plan["today"] == "2026-02-19"
    assert plan["at_risk"] == [str(s.overdue), str(s.late)]
    assert plan["open_roadblocks"] == []
    text = run("as-of", "2026-02-19", "--data", data)
    assert text.startswith("The plan as of 2026-02-19T23:59:59.999999+00:00\n")
    assert "  Sales: 1 commitment — 1 overdue" in text
    assert "    overdue    Call every churned customer — Sales Lead, due 2026-02-01, 0%" in text
    later = json.loads(run("as-of", "2026-02-21T00:00", "--data", data, "--format", "json"))
    assert [r["description"] for r in later["open_roadblocks"]] == ["Waiting for Sales to sign the contract"]


def test_diff_lists_what_was_added_changed_completed_and_the_roadblocks(installation) -> None:  # type: ignore[no-untyped-def]
    data, s = installation
    found = json.loads(run("diff", "2026-02-01", "2026-02-28", "--data", data, "--format", "json"))
    assert found["added"] == []
    assert {c["id"] for c in found["completed"]} == {str(s.late), str(s.kept)}
    changed = {c["id"]: c["changes"] for c in found["changed"]}
    assert {"field": "due_date", "before": "2026-02-15", "after": "2026-03-20"} in changed[str(s.slipping)]
    assert [r["roadblock_id"] for r in found["roadblocks_opened"]] == ["R1"]
    assert found["roadblocks_resolved"] == []
    text = run("diff", "2026-02-01", "2026-02-28", "--data", data)
    assert "Completed: 2" in text and "Roadblocks opened: 1" in text
    assert "      due_date: 2026-02-15 → 2026-03-20" in text


@pytest.fixture(scope="module")
def bundle(installation, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """The installation's replay bundle, written by `cx-tracker export`."""
    path = tmp_path_factory.mktemp("bundle") / "bundle.jsonl"
    result = cx("export", path, "--data", installation[0])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("instant, fmt", [("2026-01-04T23:00", "text"), ("2026-02-19", "json"),
                                          ("2026-02-20T09:00:00Z", "text"), ("2026-12-31", "json")])
def test_as_of_a_replay_bundle_prints_exactly_what_the_live_system_prints(  # type: ignore[no-untyped-def]
        installation, bundle, instant, fmt, tmp_path) -> None:
    live = cx("as-of", instant, "--data", installation[0], "--format", fmt)
    offline = cx("as-of", instant, "--bundle", bundle, "--format", fmt, "--data", tmp_path / "nowhere")
    assert live.exit_code == offline.exit_code == 0, offline.output
    assert offline.stdout_bytes == live.stdout_bytes and len(live.stdout_bytes) > 500


def test_as_of_an_unreadable_bundle_is_bad_input(installation, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data, _ = installation
    (tmp_path / "bad.jsonl").write_text("not a bundle\n")
    for path in (tmp_path / "bad.jsonl", tmp_path / "missing.jsonl"):
        result = cx("as-of", "2026-02-19", "--bundle", path)
        assert refused_cleanly(result, 2) and str(path) in result.output


@pytest.mark.parametrize("args", [
    ["projections", "rebuild", "--batch-size", "99999999999999999999"],
    ["projections", "rebuild", "--batch-size", "0"],
    ["projections", "run", "--once", "--batch-size", str(2**63)],
    ["projections", "run", "--once", "--poll", "nan"],
    ["projections", "run", "--once", "--poll", "inf"],
])
def test_numeric_options_out_of_range_exit_2_with_a_message(installation, args) -> None:  # type: ignore[no-untyped-def]
    data, _ = installation
    result = cx(*args, "--data", data)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "Invalid value" in result.output
