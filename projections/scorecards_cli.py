"""`cx-tracker scorecards list|export`: the leaders' scorecards with attainment, read from the
read models (caught up first). Joins the `cx-tracker` group through a `cx_tracker.commands`
entry point."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from sqlite_utils import Database

from projections.audit_cli import caught_up_views
from projections.queries import directory
from tracker.cli.common import EXIT_BAD_INPUT, data_option, fail, reports_errors
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
