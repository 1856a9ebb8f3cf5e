"""`cx-tracker patterns publish|revise|retire|cite|uncite|allow|revoke`: the CX pattern library
written on the command line, acting --as a member with the service's authorization; each prints
what it recorded and the pattern (or the commitment's citations, or who may publish) as it now
stands; refusals name the option refused and record nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.support import PASSWORD, cx, log, ok, open_data, refused_cleanly, topics
from tracker.domain import member_id

CCO = ("--as", "cco@example.com")
LEAD = ("--as", "lead@example.com")
IT_LEAD = ("--as", "it-lead@example.com")
TEXT = "Reply **personally** within the hour.\n\n- say what happened\n- say what comes next\n"
SCRIPT = "Script | https://intranet.example.com/script"


@pytest.fixture
def org(installation: Path) -> Path:
    """The CCO, a lead of customer-service and one of it, the journeys support and billing, and
    a commitment of customer-service (its id in `commitment.txt` beside the data)."""
    app = open_data(installation)
    cco = member_id("cco@example.com")
    for email, name, department in (("lead@example.com", "Jamal Reed", "customer-service"),
                                     ("it-lead@example.com", "Victor Andersson", "it")):
        app.register_member(cco, email=email, name=name, password=PASSWORD, role="lead",
                            department=department)
    app.define_journey(cco, "support", "Support", "customer-service")
    app.define_journey(cco, "billing", "Billing", "customer-service")
    made = app.make_commitment(cco, department="customer-service", title="Answer within the hour",
                               due_date="2026-12-31", owner="lead@example.com")
    app.close()
    (installation.parent / "commitment.txt").write_text(str(made.id))
    return installation


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "pattern.md"
    path.write_text(TEXT)
    return path


def commitment_of(data: Path) -> str:
    return (data.parent / "commitment.txt").read_text()


def listed(data: Path) -> list[dict[str, Any]]:
    """The library as `patterns list --retired --format json` gives it."""
    found: list[dict[str, Any]] = json.loads(
        ok("patterns", "list", "--retired", "--format", "json", "--data", data))
    return found


def publish(data: Path, text_file: Path, *args: str) -> str:
    """Publish a pattern as the CCO; its id, as `patterns list` gives it."""
    before = {p["id"] for p in listed(data)}
    ok("patterns", "publish", "--title", "Acknowledge every complaint", "--text-file", text_file,
       "--journey", "support", "--department", "customer-service", "--link", SCRIPT, *args,
       "--data", data, *CCO)
    (made,) = {p["id"] for p in listed(data)} - before
    return str(made)


@pytest.fixture
def published(org: Path, text_file: Path) -> tuple[Path, str]:
    return org, publish(org, text_file)


def test_the_cco_publishes_a_pattern_and_reads_it_back(org: Path, text_file: Path) -> None:
    out = ok("patterns", "publish", "--title", "Acknowledge every complaint", "--text-file",
             text_file, "--journey", "support", "--journey", "billing", "--department",
             "customer-service", "--link", SCRIPT, "--link", "https://example.com/faq",
             "--data", org, *CCO)
    (p,) = listed(org)
    last = log(open_data(org))[-1]
    assert last.topic == "pattern/Published"
    assert out.splitlines() == [
        f"Pattern published (event {last.position}, Published); now: live at version 1.",
        f"{p['id']}  v1  cited by 0  Acknowledge every complaint  (support, billing)",
        "    journeys: support, billing; departments: customer-service",
        "    link: Script <https://intranet.example.com/script>",
        "    link: https://example.com/faq <https://example.com/faq>",
    ]
    assert p["text"] == TEXT.strip() and p["status"] == "live" and p["version"] == 1
    assert p["links"] == [{"label": "Script", "url": "https://intranet.example.com/script"},
                          {"label": "https://example.com/faq", "url": "https://example.com/faq"}]
    shown = ok("patterns", "show", p["id"], "--data", org)
    assert "Reply **personally** within the hour.\n\n- say what happened" in shown
    assert "  v1  " in shown and "Cara Cole" in shown


def test_the_text_may_come_from_standard_input_in_windows_line_ends(org: Path) -> None:
    result = cx("patterns", "publish", "--title", "From a pipe", "--text-file", "-",
                "--data", org, *CCO, input="\ufeffFirst line\r\nsecond line\r\n")
    assert result.exit_code == 0, result.output
    assert "    journeys: any; departments: any" in result.output
    (p,) = listed(org)
    assert p["text"] == "First line\nsecond line" and p["links"] == [] and p["journeys"] == []


def test_json_output_parses_with_what_was_recorded_and_the_pattern(org: Path, text_file: Path) -> None:
    found = json.loads(ok("patterns", "publish", "--title", "One owner per case", "--text-file",
                          text_file, "--format", "json", "--data", org, *CCO))
    assert found["recorded"] == "Published"
    assert found["position"] == log(open_data(org))[-1].position
    assert found["pattern"] == listed(org)[0]
    assert found["pattern"]["title"] == "One owner per case" and found["pattern"]["citations"] == 0


def test_a_revision_changes_only_what_is_given_and_keeps_the_earlier_version(
    published: tuple[Path, str], tmp_path: Path
) -> None:
    data, pid = published
    out = ok("patterns", "revise", pid, "--title", "Acknowledge every complaint within 30 minutes",
             "--reason", "Customers expect it faster", "--expected-version", "1", "--data", data,
             *CCO)
    assert topics(data)[-1] == "pattern/Revised"
    assert "Pattern revised; the earlier version stays readable (event" in out
    assert "Revised); now: live at version 2." in out
    assert f"{pid}  v2  cited by 0  Acknowledge every complaint within 30 minutes  (support)" in out
    (p,) = listed(data)
    assert p["version"] == 2 and p["text"] == TEXT.strip() and p["journeys"] == ["support"]
    assert p["departments"] == ["customer-service"] and len(p["links"]) == 1
    shown = ok("patterns", "show", pid, "--data", data)
    assert "Cara Cole: Customers expect it faster" in shown
    first = ok("patterns", "show", pid, "--version", "1", "--data", data)
    assert first.startswith("Acknowledge every complaint (version 1 of 2)")

    new_text = tmp_path / "v3.md"
    new_text.write_text("Reply within 30 minutes.")
    ok("patterns", "revise", pid, "--text-file", new_text, "--journey", "billing", "--link", "",
       "--department", "", "--reason", "Simpler", "--data", data, *CCO)
    (p,) = listed(data)
    assert (p["version"], p["text"], p["journeys"], p["departments"], p["links"]) == (
        3, "Reply within 30 minutes.", ["billing"], [], [])
    assert p["title"] == "Acknowledge every complaint within 30 minutes"


def test_the_listed_version_is_what_expected_version_takes(published: tuple[Path, str]) -> None:
    data, pid = published
    ok("patterns", "revise", pid, "--title", "Second title", "--reason", "r", "--data", data, *CCO)
    line = next(x for x in ok("patterns", "list", "--data", data).splitlines() if x.startswith(pid))
    printed = line.split()[1]
    assert printed == "v2" == f"v{listed(data)[0]['version']}"
    ok("patterns", "retire", pid.upper(), "--reason", "Superseded", "--expected-version",
       printed[1:], "--data", data, *CCO)
    assert topics(data)[-1] == "pattern/Retired"


def test_the_cco_retires_a_pattern_and_it_stays_readable(published: tuple[Path, str]) -> None:
    data, pid = published
    found = json.loads(ok("patterns", "retire", pid, "--reason", "Superseded", "--format", "json",
                          "--data", data, *CCO))
    assert found["recorded"] == "Retired" and found["pattern"]["status"] == "retired"
    assert found["pattern"]["retired_at"] is not None
    assert topics(data)[-1] == "pattern/Retired"
    assert listed(data)[0]["status"] == "retired"
    assert json.loads(ok("patterns", "list", "--format", "json", "--data", data)) == []
    shown = ok("patterns", "show", pid, "--data", data)
    assert "[retired]" in shown.splitlines()[0]


def test_a_commitment_cites_and_uncites_a_pattern(published: tuple[Path, str]) -> None:
    data, pid = published
    cid = commitment_of(data)
    out = ok("patterns", "cite", cid, pid, "--data", data, *LEAD)
    last = log(open_data(data))[-1]
    assert last.topic == "commitment/PatternCited"
    assert out.splitlines() == [
        f"Pattern cited (event {last.position}, PatternCited); now: the commitment cites 1 pattern.",
        f"Answer within the hour [customer-service] {cid}",
        f"    {pid}  v1  Acknowledge every complaint",
    ]
    assert listed(data)[0]["citations"] == 1
    assert f"Answer within the hour [customer-service] {cid}" in ok(
        "patterns", "show", pid, "--data", data)

    found = json.loads(ok("patterns", "uncite", cid, pid, "--format", "json", "--data", data, *CCO))
    assert found["recorded"] == "PatternUncited" and isinstance(found["position"], int)
    assert found["commitment"] == {"id": cid, "title": "Answer within the hour",
                                   "department": "customer-service", "patterns": []}
    assert topics(data)[-1] == "commitment/PatternUncited"
    assert listed(data)[0]["citations"] == 0


def test_the_cco_allows_a_lead_to_publish_and_takes_it_back(org: Path, text_file: Path) -> None:
    assert ok("patterns", "publishers", "--data", org) == (
        "Besides the CCO, 0 leads may publish and revise patterns.\n")
    out = ok("patterns", "allow", "lead@example.com", "--data", org, *CCO)
    last = log(open_data(org))[-1]
    assert last.topic == "library/PublisherGranted"
    assert out.splitlines()[:2] == [
        f"Jamal Reed <lead@example.com> may now publish and revise patterns (event"
        f" {last.position}, PublisherGranted).",
        "Besides the CCO, 1 lead may publish and revise patterns:"]
    assert out.splitlines()[2].startswith("    Jamal Reed <lead@example.com>  since 20")
    assert [p["email"] for p in json.loads(ok("patterns", "publishers", "--format", "json",
                                               "--data", org))] == ["lead@example.com"]
    ok("patterns", "publish", "--title", "A lead's pattern", "--text-file", text_file,
       "--data", org, *LEAD)
    assert topics(org)[-1] == "pattern/Published"

    found = json.loads(ok("patterns", "revoke", "LEAD@example.com", "--format", "json",
                          "--data", org, *CCO))
    assert found["recorded"] == "PublisherRevoked" and found["publishers"] == []
    assert found["member"] == {"email": "lead@example.com", "name": "Jamal Reed"}
    refused = cx("patterns", "publish", "--title", "Another", "--text-file", text_file,
                 "--data", org, *LEAD)
    assert refused_cleanly(refused, 1), refused.output


def test_the_acting_member_may_come_from_the_environment(published: tuple[Path, str]) -> None:
    data, pid = published
    result = cx("patterns", "cite", commitment_of(data), pid, "--data", data,
                env={"CX_TRACKER_AS": "lead@example.com"})
    assert result.exit_code == 0, result.output
    assert topics(data)[-1] == "commitment/PatternCited"


REVISE = ("patterns", "revise", "{pattern}")


@pytest.mark.parametrize(("args", "status", "message"), [
    (["patterns", "publish", "--title", "Mine", "--text-file", "{text}", *LEAD], 1,
     "Error: only the CCO and the leads she allows may publish or revise patterns"),
    (["patterns", "publish", "--title", "Mine", "--text-file", "{text}", "--as", "x@example.com"], 1,
     "Error: no member 'x@example.com' in this installation"),
    (["patterns", "publish", "--title", "ab", "--text-file", "{text}", "--journey", "nope",
      "--department", "nowhere", "--link", "Bad | javascript:alert(1)", *CCO], 2,
     "Error: --title: must be at least 3 characters\nError: --journey: no journey 'nope' in this plan\n"
     "Error: --department: no department 'nowhere'"),
    (["patterns", "publish", "--title", "Links", "--text-file", "{text}", "--link",
      "Bad | javascript:alert(1)", *CCO], 2,
     "Error: --link: 'javascript:alert(1)': only http, https and mailto links"),
    (["patterns", "publish", "--title", "Latin-1", "--text-file", "{latin1}", *CCO], 2,
     "Error: --text-file: is not UTF-8 text"),
    (["patterns", "publish", "--title", "Long", "--text-file", "{long}", *CCO], 2,
     "Error: --text-file: must be at most 8000 characters"),
    (["patterns", "publish", "--title", "No text", *CCO], 2, "Missing option '--text-file'"),
    ([*REVISE, "--title", "A new title", "--reason", "r", *LEAD], 1,
     "Error: only the CCO and the leads she allows may publish or revise patterns"),
    ([*REVISE, "--reason", "tidy", *CCO], 2,
     "Error: --title, --text-file, --journey, --department, --link: nothing to revise: every"
     " value is as it is"),
    ([*REVISE, "--title", "x", "--reason", "", *CCO], 2,
     "Error: --title: must be at least 3 characters\nError: --reason: is required"),
    ([*REVISE, "--title", "A new title", "--reason", "r", "--expected-version", "2", *CCO], 1,
     "Error: someone else changed this first; reload and try again"),
    (["patterns", "revise", "not-a-pattern", "--title", "T T T", "--reason", "r", *CCO], 2,
     "Error: PATTERN_ID: 'not-a-pattern' is not a pattern id (`cx-tracker patterns list` shows"),
    (["patterns", "revise", "00000000-0000-0000-0000-000000000000", "--title", "T T T",
      "--reason", "r", *CCO], 2, "Error: pattern not found: 00000000-0000-0000-0000-000000000000"),
    (["patterns", "retire", "{pattern}", "--reason", "r", *LEAD], 1,
     "Error: only the Chief Customer Officer may retire patterns"),
    (["patterns", "retire", "{pattern}", "--reason", " ", *CCO], 2, "Error: --reason: is required"),
    (["patterns", "retire", "{pattern}", "--reason", "r", "--expected-version", "3", *CCO], 1,
     "Error: someone else changed this first"),
    (["patterns", "cite", "{commitment}", "{pattern}", *IT_LEAD], 1,
     "Error: only a lead of 'customer-service' or the CCO may do this"),
    (["patterns", "cite", "{commitment}", "00000000-0000-0000-0000-000000000000", *CCO], 2,
     "Error: PATTERN_ID: no such pattern in the library"),
    (["patterns", "cite", "00000000-0000-0000-0000-000000000000", "{pattern}", *CCO], 2,
     "Error: commitment not found: 00000000-0000-0000-0000-000000000000"),
    (["patterns", "cite", "commitment", "{pattern}", *CCO], 2,
     "Error: COMMITMENT_ID: 'commitment' is not a commitment id"),
    (["patterns", "uncite", "{commitment}", "{pattern}", *CCO], 2,
     "Error: PATTERN_ID: is not cited by this commitment"),
    (["patterns", "allow", "lead@example.com", *LEAD], 1,
     "Error: only the Chief Customer Officer may allow leads to publish patterns"),
    (["patterns", "allow", "cco@example.com", *CCO], 2,
     "Error: EMAIL: cco@example.com leads no department: only leads may be allowed"),
    (["patterns", "allow", "nobody@example.com", *CCO], 2,
     "Error: member not found: nobody@example.com"),
    (["patterns", "allow", "not an address", *CCO], 2, "Error: EMAIL: must be an e-mail address"),
    (["patterns", "revoke", "lead@example.com", *CCO], 2, "Error: EMAIL: may not publish patterns"),
], ids=lambda v: v if isinstance(v, int) else None)
def test_refusals_say_why_and_record_nothing(
    published: tuple[Path, str], tmp_path: Path, args: list[str], status: int, message: str
) -> None:
    data, pid = published
    (tmp_path / "latin1.md").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (tmp_path / "long.md").write_text("x" * 8001)
    (tmp_path / "ok.md").write_text(TEXT)
    values = {"{pattern}": pid, "{commitment}": commitment_of(data),
              "{text}": str(tmp_path / "ok.md"), "{latin1}": str(tmp_path / "latin1.md"),
              "{long}": str(tmp_path / "long.md")}
    before = topics(data)
    result = cx(*[values.get(a, a) for a in args], "--data", data)
    assert refused_cleanly(result, status), result.output
    assert message in result.output
    assert topics(data) == before


def test_a_stale_expected_version_is_refused_after_someone_else_revised(
    published: tuple[Path, str]
) -> None:
    data, pid = published
    ok("patterns", "allow", "lead@example.com", "--data", data, *CCO)
    ok("patterns", "revise", pid, "--title", "The lead's title", "--reason", "Mine",
       "--expected-version", "1", "--data", data, *LEAD)
    before = topics(data)
    result = cx("patterns", "revise", pid, "--title", "The CCO's title", "--reason", "Hers",
                "--expected-version", "1", "--data", data, *CCO)
    assert refused_cleanly(result, 1) and "someone else changed this first" in result.output
    assert topics(data) == before and listed(data)[0]["title"] == "The lead's title"


def test_a_retired_pattern_is_neither_revised_nor_cited(published: tuple[Path, str]) -> None:
    data, pid = published
    cid = commitment_of(data)
    ok("patterns", "cite", cid, pid, "--data", data, *LEAD)
    ok("patterns", "retire", pid, "--reason", "Superseded", "--data", data, *CCO)
    before = topics(data)
    revised = cx("patterns", "revise", pid, "--title", "Back again", "--reason", "r",
                 "--data", data, *CCO)
    assert refused_cleanly(revised, 2) and "Error: PATTERN_ID: is retired" in revised.output
    again = cx("patterns", "retire", pid, "--reason", "r", "--data", data, *CCO)
    assert refused_cleanly(again, 2) and "Error: PATTERN_ID: is retired" in again.output
    ok("patterns", "uncite", cid, pid, "--data", data, *LEAD)  # letting go of it is allowed
    after_uncite = topics(data)
    assert after_uncite == [*before, "commitment/PatternUncited"]
    cited = cx("patterns", "cite", cid, pid, "--data", data, *LEAD)
    assert refused_cleanly(cited, 2), cited.output
    assert "Error: PATTERN_ID: is retired: only live patterns can be cited" in cited.output
    assert topics(data) == after_uncite
