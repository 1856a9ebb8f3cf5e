"""`cx-tracker scorecards ...`: the leaders' scorecards. `list` and `export` read them with
attainment from the read models (caught up first); `propose`, `revise`, `request-change`, `agree`
and `approve` act `--as` a member through the application service, which decides who may, as on
`/scorecards/`. Joins the `cx-tracker` group through a `cx_tracker.commands` entry point."""

from __future__ import annotations

import json
import re
import sys
from typing import Any
from uuid import UUID

import click
from sqlite_utils import Database

from projections.audit_cli import caught_up_views
from projections.queries import directory
from tracker.cli.common import (
    EXIT_BAD_INPUT, actor_id, actor_option, data_option, fail, open_existing, reports_errors,
)
from tracker.errors import Invalid
from tracker.service.base import Receipt
from tracker.cli.output import echo, echo_json
from tracker.safe_text import csv_writer

EXPORT_COLUMNS = (
    "scorecard", "period", "lead_email", "lead_name", "department", "status", "revision", "kpi",
    "kpi_name", "weight", "target", "start", "end", "end_measured_on", "attainment", "points",
    "corrected_start", "corrected_end", "corrected_attainment", "weighted_total",
)


@click.group("scorecards")
def scorecards_group() -> None:
    """Leader scorecards: KPIs, weights and targets per lead and period, with attainment."""


def _period(value: str | None) -> str | None:
    from tracker.domain import Period
    from tracker.errors import Invalid

    if value is None:
        return None
    try:
        return Period.parse(value).label
    except Invalid:
        fail("--period: must be a quarter such as 2026-Q1 or a year such as 2026", EXIT_BAD_INPUT)
        raise  # unreachable: fail exits


def _cards(db: Database, period: str | None, lead: str | None) -> list[dict[str, Any]]:
    from projections.queries import scorecards as q
    from tracker import clock
    from tracker.domain import member_id

    lead_id = None
    if lead is not None:
        lead_id = str(member_id(lead.strip().lower()))
        if db.execute("SELECT 1 FROM members WHERE id = ?", [lead_id]).fetchone() is None:
            fail(f"--lead: no member {lead}", EXIT_BAD_INPUT)
    cards = q.scorecards(db, period=period, lead_id=lead_id)
    attain = q.Attainments(db, clock.today())
    for card in cards:
        card["attained"] = attain.of(card)
    return cards


def _plain(card: dict[str, Any]) -> dict[str, Any]:
    """A scorecard as JSON: its fields, items and attainment (None while the period runs)."""
    attained = card["attained"]
    return {
        "id": card["id"], "period": card["period"], "lead_email": card["lead_email"],
        "lead_name": card["lead_name"], "department": card["department"],
        "department_name": card["department_name"], "status": card["status"],
        "revision": card["revision"], "version": card["version"], "items": card["items"],
        "proposed_at": card["proposed_at"],
        "updated_at": card["updated_at"],
        "attainment": None if attained is None else {
            "as_of": attained["as_of"].isoformat(), "total": attained["total"],
            "corrected": attained["corrected"], "items": attained["items"]},
    }


@scorecards_group.command("list")
@data_option
@click.option("--period", default=None, help="Only this period (2026-Q1 or 2026).")
@click.option("--lead", default=None, metavar="EMAIL", help="Only this lead's scorecards.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@reports_errors
def list_scorecards(data_dir: str | None, period: str | None, lead: str | None, fmt: str) -> None:
    """Every scorecard (latest period first): lead, department, status, weighted total."""
    with caught_up_views(data_dir) as db:
        cards = _cards(db, _period(period), lead)
        if fmt == "json":
            echo_json(json.dumps([_plain(c) for c in cards], ensure_ascii=False))
            return
        for card in cards:
            _echo_card(card)


def _echo_card(card: dict[str, Any]) -> None:
    """A scorecard as text: one line (ending with its id and version, for the commands that act on
    it), then a line per KPI."""
    attained = card["attained"]
    total = ("" if attained is None else f"; attained {attained['total']:.1f} of 100"
             + (" (a figure corrected since)" if attained["corrected"] else ""))
    echo(f"{card['period']}  {card['lead_name']} <{card['lead_email']}>"
         f" ({card['department_name']}): {card['status_title']}, revision"
         f" {card['revision']}{total}  id {card['id']} version {card['version']}")
    for item in card["items"]:
        echo(f"    {item['kpi']}: weight {item['weight']}%, target {item['target']:g}")


@scorecards_group.command("export")
@data_option
@click.option("--period", default=None, help="Only this period (2026-Q1 or 2026).")
@click.option("--lead", default=None, metavar="EMAIL", help="Only this lead's scorecards.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@reports_errors
def export_scorecards(data_dir: str | None, period: str | None, lead: str | None,
                      fmt: str) -> None:
    """Export scorecards: csv has one row per KPI of each scorecard (attainment columns empty
    while the period runs); json one object per scorecard."""
    with caught_up_views(data_dir) as db:
        cards = _cards(db, _period(period), lead)
        if fmt == "json":
            echo_json(json.dumps([_plain(c) for c in cards], ensure_ascii=False))
            return
        writer = csv_writer(sys.stdout, EXPORT_COLUMNS)
        names = {k["key"]: k["name"] for k in directory.kpis(db)}  # before any attainment too
        for card in cards:
            attained = card["attained"]
            figures = {f["kpi"]: f for f in attained["items"]} if attained else {}
            for item in card["items"]:
                f = figures.get(item["kpi"], {})
                corrected = f.get("corrected") or {}
                writer.writerow({
                    "scorecard": card["id"], "period": card["period"],
                    "lead_email": card["lead_email"], "lead_name": card["lead_name"],
                    "department": card["department"], "status": card["status"],
                    "revision": card["revision"], "kpi": item["kpi"],
                    "kpi_name": f.get("name") or names.get(item["kpi"], ""), "weight": item["weight"],
                    "target": item["target"], "start": f.get("start"), "end": f.get("end"),
                    "end_measured_on": f.get("end_on"), "attainment": _round(f.get("attainment")),
                    "points": _round(f.get("points")),
                    "corrected_start": corrected.get("start"), "corrected_end": corrected.get("end"),
                    "corrected_attainment": _round(corrected.get("attainment")),
                    "weighted_total": _round(attained["total"]) if attained else None,
                })


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# Acting on a scorecard: the service decides who may; refused, nothing is recorded.

ITEM = re.compile(r"^\s*([^=@\s]+)\s*=\s*([^=@]*?)\s*@\s*([^=@]*?)\s*$")
ITEM_HELP = "A KPI with its weight (a whole %) and target: KPI=WEIGHT@TARGET, e.g. nps=60@20; once per KPI."
# The service's field names, as the options that carry them are named on the command line.
OPTIONS = {"lead": "--lead", "period": "--period", "department": "--department", "note": "--note",
           "reason": "--reason", "comment": "--comment", "items": "--item", "weights": "--item weights"}
ITEM_FIELD = re.compile(r"^(kpi|weight|target)_(\d+)$")
# The aggregate refuses a step its status does not allow under `comment` (where the web form shows
# it); here it is about the scorecard, not the comment typed.

format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                              show_default=True)
version_option = click.option(
    "--expected-version", type=int, default=None, metavar="N",
    help="Refuse (recording nothing) unless the scorecard is still at this version, as listed.")


def parse_items(given: tuple[str, ...]) -> list[dict[str, str]]:
    """`--item KPI=WEIGHT@TARGET` options as the service's items (kpi, weight, target; it checks
    them); every malformed one is refused, named by its place."""
    items, errors = [], {}
    for n, text in enumerate(given, start=1):
        found = ITEM.match(text)
        if found is None or not found.group(2) or not found.group(3):
            errors[f"--item {n}"] = f"{text!r} is not KPI=WEIGHT@TARGET (e.g. nps=60@20)"
            continue
        items.append({"kpi": found.group(1), "weight": found.group(2), "target": found.group(3)})
    if errors:
        raise Invalid(errors)
    return items


def parse_id(text: str) -> UUID:
    """A scorecard id as `scorecards list` prints it."""
    try:
        return UUID(text.strip())
    except ValueError:
        fail(f"SCORECARD_ID: {text!r} is not a scorecard id (`cx-tracker scorecards list` shows"
             " them)", EXIT_BAD_INPUT)
        raise  # unreachable: fail exits


def _option_names(error: Invalid) -> Invalid:
    """The service's field names as the command line's options (`weight_2` is `--item 2 weight`)."""
    named = {}
    for field, message in error.errors.items():
        item = ITEM_FIELD.match(field)
        if item:
            name = f"--item {item.group(2)} {item.group(1)}"
        elif field == "status":  # a step its status does not allow
            name = "SCORECARD_ID"
        else:
            name = OPTIONS.get(field, field)
        named[name] = message
    return Invalid(named)


def _report(data_dir: str | None, receipt: Receipt, done: str, fmt: str) -> None:
    """What was recorded and the scorecard as it now stands, read from the caught-up views."""
    from projections.queries import scorecards as q
    from tracker import clock

    with caught_up_views(data_dir) as db:
        card = q.scorecard(db, str(receipt.id))
        assert card is not None, "the views are caught up with the event just recorded"
        card["attained"] = q.Attainments(db, clock.today()).of(card)
        recorded = card["events"][-1]["kind"]
        if fmt == "json":
            echo_json(json.dumps({"recorded": recorded, "position": receipt.position,
                                  "scorecard": _plain(card)}, ensure_ascii=False))
            return
        echo(f"{done} (event {receipt.position}, {recorded}); now: {card['status_title']}.")
        _echo_card(card)


def _act(data_dir: str | None, actor_email: str, done: str, fmt: str, command: str,
         *args: Any, **kwargs: Any) -> None:
    """Run one service command as the member (refusals in the command line's terms), then report."""
    with open_existing(data_dir) as (_, app):
        try:
            receipt = getattr(app, command)(actor_id(app, actor_email), *args, **kwargs)
        except Invalid as e:
            raise _option_names(e) from None
    _report(data_dir, receipt, done, fmt)


@scorecards_group.command("propose")
@data_option
@actor_option
@click.option("--lead", required=True, metavar="EMAIL", help="The department lead it is for.")
@click.option("--period", required=True, help="A quarter (2026-Q1) or a year (2026).")
@click.option("--item", "items", multiple=True, metavar="KPI=WEIGHT@TARGET", help=ITEM_HELP)
@click.option("--department", default=None, metavar="SLUG",
              help="Which department, when the lead leads several.")
@click.option("--note", default="", help="A note recorded with the proposal.")
@format_option
@reports_errors
def propose(data_dir: str | None, actor_email: str, lead: str, period: str, items: tuple[str, ...],
            department: str | None, note: str, fmt: str) -> None:
    """Propose a lead's scorecard for a period (CCO); weights add up to 100."""
    _act(data_dir, actor_email, "Scorecard proposed; the lead is asked to agree", fmt,
         "propose_scorecard", lead=lead, period=period, items=parse_items(items),
         department=department, note=note)


@scorecards_group.command("revise")
@data_option
@actor_option
@click.argument("scorecard_id")
@click.option("--item", "items", multiple=True, metavar="KPI=WEIGHT@TARGET",
              help=ITEM_HELP + " Every KPI the scorecard is to have.")
@click.option("--reason", required=True, help="Why it changes (recorded with it).")
@version_option
@format_option
@reports_errors
def revise(data_dir: str | None, actor_email: str, scorecard_id: str, items: tuple[str, ...],
           reason: str, expected_version: int | None, fmt: str) -> None:
    """Revise a scorecard's KPIs, weights and targets (CCO); the lead must agree again."""
    _act(data_dir, actor_email, "Scorecard revised; the lead is asked to agree again", fmt,
         "revise_scorecard", parse_id(scorecard_id), items=parse_items(items), reason=reason,
         expected_version=expected_version)


@scorecards_group.command("request-change")
@data_option
@actor_option
@click.argument("scorecard_id")
@click.option("--comment", required=True, help="What should change, and why.")
@version_option
@format_option
@reports_errors
def request_change(data_dir: str | None, actor_email: str, scorecard_id: str, comment: str,
                   expected_version: int | None, fmt: str) -> None:
    """Ask for a change to your scorecard (its lead); the CCO is asked to revise it."""
    _act(data_dir, actor_email, "Change requested; the CCO is asked to revise it", fmt,
         "request_scorecard_change", parse_id(scorecard_id), comment=comment,
         expected_version=expected_version)


@scorecards_group.command("agree")
@data_option
@actor_option
@click.argument("scorecard_id")
@click.option("--comment", default="", help="A comment recorded with the agreement.")
@version_option
@format_option
@reports_errors
def agree(data_dir: str | None, actor_email: str, scorecard_id: str, comment: str,
          expected_version: int | None, fmt: str) -> None:
    """Agree to your scorecard as it stands (its lead); an executive is asked to approve it."""
    _act(data_dir, actor_email, "Agreed; an executive is asked to approve it", fmt,
         "agree_scorecard", parse_id(scorecard_id), comment=comment,
         expected_version=expected_version)


@scorecards_group.command("approve")
@data_option
@actor_option
@click.argument("scorecard_id")
@click.option("--comment", default="", help="A comment recorded with the approval.")
@version_option
@format_option
@reports_errors
def approve(data_dir: str | None, actor_email: str, scorecard_id: str, comment: str,
            expected_version: int | None, fmt: str) -> None:
    """Approve a scorecard its lead has agreed to (an executive)."""
    _act(data_dir, actor_email, "Scorecard approved", fmt, "approve_scorecard",
         parse_id(scorecard_id), comment=comment, expected_version=expected_version)
